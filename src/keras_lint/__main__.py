import sys

from keras_lint.cli import main

sys.exit(main())
