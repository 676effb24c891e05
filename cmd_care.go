package main

// The care of the database file: restore from a backup, compaction.

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"qunshen/storage"
)

func runRestore(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usagef("name the backup file")
	}
	backup, db := args[0], c.dbPath()
	_, err := os.Stat(db)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	careNote(c, "checking the backup %s …", backup)
	rep, err := storage.Restore(db, backup)
	endProgress(c)
	if err != nil {
		return err
	}
	st, err := storage.Open(db)
	if err != nil {
		return fmt.Errorf("%s was restored, but does not open: %w", db, err)
	}
	defer st.Close()
	h, err := st.StateHash()
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "restored %s from %s\n", db, backup)
	fmt.Fprintf(c.stdout, "verified: %d events from %d origins, %d signed checkpoints; the projection equals the fold of the log\n", rep.Events, rep.Origins, rep.Checkpoints)
	fmt.Fprintf(c.stdout, "state %s\n", h)
	if existed {
		kept := db + storage.BeforeRestoreSuffix
		fmt.Fprintf(c.stdout, "the database as it was before is kept as %s\n(to undo: qunshen restore %s)\n", kept, kept)
	}
	return nil
}

func runCompact(c *ctx, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected %q", args[0])
	}
	db := c.dbPath()
	careNote(c, "compacting %s …", db)
	before, after, err := storage.Compact(db)
	endProgress(c)
	if err != nil {
		return err
	}
	if after == before {
		fmt.Fprintf(c.stdout, "%s is compact already: %s, unchanged\n", db, careSize(before))
		return nil
	}
	fmt.Fprintf(c.stdout, "compacted %s: %s before, %s after\n", db, careSize(before), careSize(after))
	return nil
}

// careNote tells what a long step is doing, on a terminal only; endProgress wipes it.
func careNote(c *ctx, format string, args ...any) {
	if f, ok := c.stderr.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(c.stderr, format, args...)
	}
}

// careSize is a file size in bytes, and in MiB when large.
func careSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d bytes (%.1f MiB)", n, float64(n)/(1<<20))
}
