"""Neighbourhood panels, memberships, meetings and aggregated diversity (issue 4)."""
