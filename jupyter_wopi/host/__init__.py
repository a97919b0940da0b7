"""What the WOPI host does with its files, its state and ONLYOFFICE: the services it is built
from (`services.WopiHost`) and every operation that takes them: editor sessions, locks,
saves, Save As and renames, file status, conversion and the connection doctor."""
