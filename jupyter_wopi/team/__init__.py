"""Team folders on JupyterHub: folders shared by several users, each on their own server,
edited together in one ONLYOFFICE session.

A JupyterHub service (`jupyter wopi team-service`, `service.py`) is the WOPI host of the team
folders: their WOPISrc points at it, so a save or an Unlock still lands after the server of
the user who opened the document was stopped. Users' servers ask it for sessions on their
user's behalf (`client.py`, `folders.py`), so the lab has one code path; the service checks
the user with JupyterHub and the folder's access rules (`access.py`) on every request.
"""
