"""`python -m casework` runs the same command line as the `casework` script."""

from cli.main import main

if __name__ == "__main__":
    main()
