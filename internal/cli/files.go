package cli

// qunshen files list: the register of the files shared in the groups (ST 六): the files
// attached to published posts, by group and category, each with whether its name says its
// topic, date and author (六(一)2) — with a name that does when not — and the images and
// videos to back up (六(二)3).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"qunshen/review"
)

type filesOptions struct {
	group string
	json  bool
}

// fileRow is a row of files list --json.
type fileRow struct {
	Group    string    `json:"group"`
	Post     string    `json:"post"`
	Name     string    `json:"name"`
	Category string    `json:"category"`
	Date     time.Time `json:"date"`
	Author   string    `json:"author"`
	NamedOK  bool      `json:"named_ok"`
	Suggest  string    `json:"suggested_name,omitempty"`
	Backup   bool      `json:"backup"`
}

// qunshen files list [--group G] [--json]
func newFilesCmd(e *env) *cobra.Command {
	var o filesOptions
	c := e.command("files", func(args []string) error {
		if len(args) == 0 {
			return usagef("cli.files.want")
		}
		if args[0] != "list" {
			return usagef("cli.files.unknown", args[0])
		}
		if len(args) > 1 {
			return usagef("cli.unexpected", args[1])
		}
		return e.filesList(o)
	})
	f := c.Flags()
	f.StringVar(&o.group, "group", "", e.t("cli.files.flag.group"))
	f.BoolVar(&o.json, "json", false, e.t("cli.files.flag.json"))
	c.ValidArgsFunction = verbs("list")
	return c
}

func (e *env) filesList(o filesOptions) error {
	st, svc, err := e.reader()
	if err != nil {
		return err
	}
	defer st.Close()
	files, err := svc.SharedFiles(o.group)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	if o.json {
		enc := json.NewEncoder(w)
		for _, f := range files {
			if err := enc.Encode(fileRow{Group: f.Group, Post: f.Post, Name: f.Name, Category: f.Category, Date: f.Time,
				Author: f.Author, NamedOK: f.NamedOK, Suggest: f.Suggest, Backup: f.Backup}); err != nil {
				return err
			}
		}
		return nil
	}
	if len(files) == 0 {
		e.say("cli.list.none")
		return nil
	}
	rows := [][]string{{e.t("cli.col.group"), e.t("cli.col.post"), e.t("cli.col.file"), e.t("cli.col.category"), e.t("cli.col.date"),
		e.t("cli.col.author"), e.t("cli.col.named"), e.t("cli.col.backup")}}
	bad, media := 0, 0
	for _, f := range files {
		named := e.t("yes")
		if !f.NamedOK {
			named = e.tf("cli.files.rename", f.Suggest)
			bad++
		}
		backup := ""
		if f.Backup {
			backup = e.t("cli.files.backup")
			media++
		}
		rows = append(rows, cells(f.Group, f.Post, f.Name, e.t("file.cat."+f.Category), f.Time.In(review.ChinaTime).Format(time.DateOnly),
			f.Author, named, backup))
	}
	writeTable(w, rows)
	fmt.Fprintln(w, e.tf("cli.files.total", len(files), bad, media))
	return nil
}
