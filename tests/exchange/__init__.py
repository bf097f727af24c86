"""Gateway tests: parsing, error translation, retries, and the real gateway against the sim."""
