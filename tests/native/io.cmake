# Files, standard input and output.
