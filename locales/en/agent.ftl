## Host agent (agent/, api/agent/): keys start with agent-
# Appended to a /machines line when the machine's agent ran `agent bench`.
agent-machine-score = , CPU score { $score }
# Appended after the score when the agent measured its 720p encoding.
agent-machine-encode = , encodes 720p at { $fps } fps
