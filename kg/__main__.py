"""``python -m kg``: the same as the ``kg`` command."""

from kg.cli import main

if __name__ == "__main__":  # not when a worker process re-imports the main module
    main(prog_name="kg")
