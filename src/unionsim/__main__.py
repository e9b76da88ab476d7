from unionsim.cli import main

main()
