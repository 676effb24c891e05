// Command qunshen (群审) is a keyboard-driven workbench for the pre-review of posts in Chinese
// work group chats, over an embedded database in which every decision is a signed event.
// Its command line lives in internal/cli.
package main

import (
	"os"

	"qunshen/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
