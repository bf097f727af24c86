"""`hedgebot report`: what the live hedges did, per hedge and day, from the journal."""
