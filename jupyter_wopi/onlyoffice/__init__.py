"""The other party: ONLYOFFICE's discovery and the action that opens a file, whether a
request really comes from ONLYOFFICE (proof keys), the addresses by which the three parties
reach each other, and the doctor's probe documents."""
