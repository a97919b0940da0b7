"""What the lab asks about its files, answered wherever a file lives: this server's own files
(`local.LocalFiles`) or, for a team folder on JupyterHub, the team service
(`team_client.TeamClient`). `files.LabFiles` routes each question; the lab API's handlers
hold no team branches."""
