## Агент хоста (agent/, api/agent/): ключи начинаются с agent-
# Дописывается к строке /machines, когда агент машины выполнил `agent bench`.
agent-machine-score = , оценка CPU { $score }
