from govkg.cli import main

main()
