//go:build ignore

// generate writes docs/keys.md from the keymap; go generate ./keymap runs it.
package main

import (
	"log"
	"os"
	"path/filepath"

	"qunshen/keymap"
)

func main() {
	// go generate runs this in the package's folder, one below the root of the module.
	path := filepath.Join("..", filepath.FromSlash(keymap.DocPath))
	if err := os.WriteFile(path, keymap.Doc(), 0o644); err != nil {
		log.Fatal(err)
	}
}
