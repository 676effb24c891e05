package cli

// The care of the database file: backup, restore from a backup, compaction.

import (
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"qunshen/internal/i18n"
	"qunshen/storage"
)

func newBackupCmd(e *env) *cobra.Command {
	return e.command("backup", func(args []string) error {
		if len(args) != 1 {
			return usagef("cli.backup.want")
		}
		st, err := e.open()
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.Backup(args[0]); err != nil {
			return err
		}
		e.say("cli.backup.done", args[0])
		return nil
	})
}

func newRestoreCmd(e *env) *cobra.Command {
	return e.command("restore", func(args []string) error {
		if len(args) != 1 {
			return usagef("cli.backup.want")
		}
		return e.restore(args[0])
	})
}

func (e *env) restore(backup string) error {
	db := e.dbPath()
	_, err := os.Stat(db)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	e.stepNote("cli.restore.checking", backup)
	rep, err := storage.Restore(db, backup)
	e.endProgress()
	if err != nil {
		return err
	}
	st, err := storage.Open(db)
	if err != nil {
		return i18n.E("cli.restore.no-open", db, err)
	}
	defer st.Close()
	e.tellRemoved(st.Removed())
	h, err := st.StateHash()
	if err != nil {
		return err
	}
	e.say("cli.restore.done", db, backup)
	e.say("cli.restore.verified", rep.Events, rep.Origins, rep.Checkpoints)
	e.say("cli.status.state", h.String())
	if existed {
		kept := db + storage.BeforeRestoreSuffix
		e.say("cli.restore.kept", kept)
	}
	return nil
}

func newCompactCmd(e *env) *cobra.Command {
	return e.command("compact", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		db := e.dbPath()
		e.stepNote("cli.compact.doing", db)
		res, err := storage.Compact(db)
		e.endProgress()
		e.tellRemoved(res.Removed)
		if err != nil {
			return err
		}
		if res.After == res.Before {
			e.say("cli.compact.already", db, e.size(res.Before))
			return nil
		}
		e.say("cli.compact.done", db, e.size(res.Before), e.size(res.After))
		return nil
	})
}

// size is a file size in bytes, and in MiB when large.
func (e *env) size(n int64) string {
	if n < 1<<20 {
		return e.tf("cli.size.bytes", n)
	}
	return e.tf("cli.size.mib", n, float64(n)/(1<<20))
}

// tellRemoved says which temporary files of a killed compact or restore were removed.
func (e *env) tellRemoved(files []storage.StaleFile) {
	for _, f := range files {
		e.tell("cli.stale.removed", f.Path, e.size(f.Size))
	}
}
