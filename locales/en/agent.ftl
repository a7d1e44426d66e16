## Host agent (agent/, api/agent/): keys start with agent-
# Appended to a /machines line when the machine's agent ran `agent bench`.
agent-machine-score = , CPU score { $score }
