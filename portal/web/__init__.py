"""Web pieces shared by the citizen and staff blueprints."""
