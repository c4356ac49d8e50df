"""Study assistant."""
