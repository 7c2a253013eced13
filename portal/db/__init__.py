"""Database: models, engine set-up and the data-access functions. No Flask in here."""
