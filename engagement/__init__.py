"""Ward profile, engagement events, concerns, KIN register, the seven-stage tracker (issue 3)."""
