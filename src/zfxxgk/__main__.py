from zfxxgk.cli import main

main()
