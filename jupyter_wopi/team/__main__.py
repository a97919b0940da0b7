"""`python -m jupyter_wopi.team`: the team-folder service (as `jupyter wopi team-service`)."""

from .service import main

main()
