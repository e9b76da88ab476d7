"""What users read about the model's inputs and results: the facts catalogue and the outcome
definitions. Data and the functions that look it up; the command line prints it."""
