package cli

import (
	"bufio"
	"os"

	"github.com/spf13/cobra"

	"qunshen/internal/atomicfile"
	"qunshen/internal/gen"
)

// qunshen gen: realistic generated data in the queue format.
func newGenCmd(e *env) *cobra.Command {
	var o gen.Options
	var out string
	c := e.command("gen", func(args []string) error {
		if len(args) > 0 {
			return usagef("cli.unexpected", args[0])
		}
		if out == "" {
			return usagef("cli.output-required")
		}
		if o.Posts < 0 || o.Members < 1 || o.Groups < 1 || o.Members < o.Groups*4 {
			return usagef("cli.gen.sizes")
		}
		err := atomicfile.Write(out, func(f *os.File) error {
			w := bufio.NewWriterSize(f, 1<<20)
			if err := gen.Write(w, o); err != nil {
				return err
			}
			return w.Flush()
		})
		if err != nil {
			return err
		}
		e.say("cli.gen.done", o.Posts, o.Members, o.Groups, out)
		return nil
	})
	f := c.Flags()
	f.IntVar(&o.Posts, "posts", 3000, e.t("cli.gen.flag.posts"))
	f.IntVar(&o.Members, "members", 400, e.t("cli.gen.flag.members"))
	f.IntVar(&o.Groups, "groups", 6, e.t("cli.gen.flag.groups"))
	f.Int64Var(&o.Seed, "seed", 1, e.t("cli.gen.flag.seed"))
	f.StringVarP(&out, "output", "o", "", e.t("cli.gen.flag.output"))
	return c
}
