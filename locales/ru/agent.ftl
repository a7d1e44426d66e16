## Агент хоста (agent/, api/agent/): ключи начинаются с agent-
# Дописывается к строке /machines, когда агент машины выполнил `agent bench`.
agent-machine-score = , оценка CPU { $score }
# Дописывается после оценки, когда агент измерил кодирование 720p.
agent-machine-encode = , кодирует 720p со скоростью { $fps } к/с
