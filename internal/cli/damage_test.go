package cli

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"qunshen/internal/gen"
)

// The layout of a bbolt file, as the sweep damages it (storage/care_pages.go reads the same):
// a page is id (8), flags (2), count (2), overflow (4), then its elements; a branch element is
// pos, key size (4 each) and a child page (8); a leaf element is flags, pos, key size, value
// size (4 each); a bucket's value is its root page (8) and sequence (8), its page inline when
// the root is 0.
const (
	dmgHeader = 16
	dmgElem   = 16
	dmgBranch = 0x01
	dmgLeaf   = 0x02
	dmgBucket = 0x01
)

var dmgOrder = binary.NativeEndian

// place is a byte of a database file to change, or a length to cut it to, and what it is.
type place struct {
	what string
	at   int64 // the byte to change (xor 0x5a); -1: cut
	cut  int64
}

// damagePlaces lists the places of the sweep in the database file raw: the meta pages, the
// header of every page of the tree, the entries of the top-level buckets (names and roots),
// the records of the nested buckets (their element headers, keys and values), and cuts.
func damagePlaces(t *testing.T, raw []byte, records int) []place {
	t.Helper()
	psize := int64(dmgOrder.Uint32(raw[dmgHeader+8:]))
	meta := func(i int64) (root, hwm, txid uint64) {
		b := raw[i*psize+dmgHeader:]
		return dmgOrder.Uint64(b[16:]), dmgOrder.Uint64(b[40:]), dmgOrder.Uint64(b[48:])
	}
	root, hwm, tx0 := meta(0)
	if r1, h1, tx1 := meta(1); tx1 > tx0 {
		root, hwm = r1, h1
	}
	var out []place
	for _, m := range []int64{0, 1} {
		for _, f := range []struct {
			name string
			off  int64
		}{{"magic", 0}, {"page size", 8}, {"root", 16}, {"freelist", 32}, {"high water mark", 40}, {"transaction", 48}, {"checksum", 56}} {
			out = append(out, place{what: fmt.Sprintf("meta page %d: %s", m, f.name), at: m*psize + dmgHeader + f.off})
		}
	}
	var leaves []place // the records of the nested buckets, sampled below
	var walk func(id uint64, top bool)
	walk = func(id uint64, top bool) {
		off := int64(id) * psize
		if off+psize > int64(len(raw)) {
			t.Fatalf("page %d past the end", id)
		}
		for _, h := range []struct {
			name string
			at   int64
		}{{"id", 0}, {"flags", 8}, {"count", 10}, {"overflow", 12}} {
			out = append(out, place{what: fmt.Sprintf("page %d header: %s", id, h.name), at: off + h.at})
		}
		p := raw[off:]
		flags, count := dmgOrder.Uint16(p[8:]), int(dmgOrder.Uint16(p[10:]))
		for i := range count {
			e := int64(dmgHeader + i*dmgElem)
			switch flags {
			case dmgBranch:
				walk(dmgOrder.Uint64(p[e+8:]), top)
			case dmgLeaf:
				eflags := dmgOrder.Uint32(p[e:])
				pos, ksize, vsize := int64(dmgOrder.Uint32(p[e+4:])), int64(dmgOrder.Uint32(p[e+8:])), int64(dmgOrder.Uint32(p[e+12:]))
				k, v := off+e+pos, off+e+pos+ksize
				name := string(raw[k : k+ksize])
				if top {
					out = append(out, place{what: fmt.Sprintf("top-level bucket %q: name", name), at: k},
						place{what: fmt.Sprintf("top-level bucket %q: name's last byte", name), at: k + ksize - 1},
						place{what: fmt.Sprintf("top-level bucket %q: flags", name), at: off + e},
						place{what: fmt.Sprintf("top-level bucket %q: root page", name), at: v})
				} else {
					leaves = append(leaves,
						place{what: fmt.Sprintf("page %d, element %d: key size", id, i), at: off + e + 8},
						place{what: fmt.Sprintf("page %d, element %d: value size", id, i), at: off + e + 12},
						place{what: fmt.Sprintf("page %d, element %d: key", id, i), at: k + ksize/2})
					if vsize > 0 {
						leaves = append(leaves, place{what: fmt.Sprintf("page %d, element %d: value", id, i), at: v + vsize/2})
					}
				}
				if eflags&dmgBucket != 0 {
					if r := dmgOrder.Uint64(raw[v:]); r != 0 {
						walk(r, false)
					} else if top {
						// An inline bucket: its records are in the value.
						leaves = append(leaves, place{what: fmt.Sprintf("inline bucket %q", name), at: v + 16 + dmgHeader + (vsize-16-dmgHeader)/2})
					}
				}
			}
		}
	}
	walk(root, true)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(leaves), func(i, j int) { leaves[i], leaves[j] = leaves[j], leaves[i] })
	out = append(out, leaves[:min(records, len(leaves))]...)
	size := int64(hwm) * psize
	for _, c := range []int64{0, 100, 4096, psize, 2 * psize, 2*psize + 100, size / 2, size - psize, size - 1} {
		out = append(out, place{what: fmt.Sprintf("cut to %d bytes of %d", c, size), at: -1, cut: c})
	}
	return out
}

// readCommand is a command that answers from the database, and what it answered before the
// database was damaged.
type readCommand struct {
	args       []string
	out        string
	outputFile string // a file the command writes, compared too
}

// TestDamageSweep damages a database a byte at a time, at a few hundred places, and cuts it
// short: every read command either refuses with the message of a damaged database (and exit
// 1, and no file written) or answers exactly as before, and none panics.
func TestDamageSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("a few thousand commands on damaged databases")
	}
	c := newCLI(t)
	c.now = func() time.Time { return time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC) }
	c.ok("init", "--name", "王管理", "--role", "admin")
	c.ok("init", "--name", "李书记", "--role", "secretary")
	queue := filepath.Join(t.TempDir(), "queue.jsonl")
	var b bytes.Buffer
	if err := gen.Write(&b, gen.Options{Posts: 1500, Members: 200, Groups: 4, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(queue, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("import", queueFile)
	c.ok("import", queue)
	c.ok("decide", "p1", "approve")
	c.ok("decide", "p2", "escalate")
	c.ok("--as", "李书记", "decide", "p2", "signoff")
	c.ok("decide", "p3", "reject", "--reason", "含有广告")
	dir := filepath.Dir(c.db)
	outDir := t.TempDir()
	cmds := []*readCommand{
		{args: []string{"status", "--json", "--hash"}},
		{args: []string{"list", "posts", "--json"}},
		{args: []string{"list", "members", "--json"}},
		{args: []string{"show", "p2", "--json"}},
		{args: []string{"report", "--period", "2026-05", "--format", "json", "-o", "-"}},
		{args: []string{"export", "decisions", "-o", "-"}},
		{args: []string{"verify"}},
		{args: []string{"archive", "--period", "2026-05", "--force", "-o", filepath.Join(outDir, "archive")}, outputFile: filepath.Join(outDir, "archive", "SHA256SUMS")},
		{args: []string{}}, // the overview
	}
	pristine, err := os.ReadFile(c.db)
	if err != nil {
		t.Fatal(err)
	}
	// Without the room bbolt grows the file by ahead of its pages, all zeros: what a damage could hit.
	psize := int64(dmgOrder.Uint32(pristine[dmgHeader+8:]))
	hwm := max(dmgOrder.Uint64(pristine[dmgHeader+40:]), dmgOrder.Uint64(pristine[psize+dmgHeader+40:]))
	pristine = pristine[:int64(hwm)*psize]
	// Each damaged copy is at the same path, whose name the overview shows.
	damagedDB := filepath.Join(t.TempDir(), "d", "q.db")
	d := &cli{t: t, db: damagedDB, now: c.now}
	place := func(raw []byte) {
		os.RemoveAll(filepath.Dir(damagedDB))
		copyTree(t, dir, filepath.Dir(damagedDB))
		if err := os.WriteFile(damagedDB, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	place(pristine)
	for _, cmd := range cmds {
		out, errs, code := d.run(cmd.args...)
		if code != 0 {
			t.Fatalf("qunshen %v on the sound database: %s", cmd.args, errs)
		}
		cmd.out = out + readIf(cmd.outputFile)
	}
	places := damagePlaces(t, pristine, 200)
	t.Logf("%d places in a file of %d bytes", len(places), len(pristine))

	refused, same := 0, 0
	for _, pl := range places {
		raw := bytes.Clone(pristine)
		if pl.at < 0 {
			raw = raw[:pl.cut]
		} else {
			raw[pl.at] ^= 0x5a
		}
		place(raw)
		for _, cmd := range cmds {
			if cmd.outputFile != "" {
				os.RemoveAll(filepath.Dir(cmd.outputFile))
			}
			out, errs, code, panicked := runGuarded(d, cmd.args)
			switch {
			case panicked != "":
				t.Errorf("%s: qunshen %v panicked: %s", pl.what, cmd.args, panicked)
			case code == 0 && out+readIf(cmd.outputFile) == cmd.out:
				same++
			case code == 0:
				t.Errorf("%s: qunshen %v answered otherwise than before, and exit 0:\n%s", pl.what, cmd.args, firstDiff(cmd.out, out+readIf(cmd.outputFile)))
			case code == 1 && strings.Contains(errs, " is damaged") && strings.Contains(errs, "qunshen restore"):
				refused++
				if cmd.outputFile != "" {
					if _, err := os.Stat(filepath.Dir(cmd.outputFile)); err == nil {
						t.Errorf("%s: qunshen %v refused a damaged database, and wrote %s", pl.what, cmd.args, filepath.Dir(cmd.outputFile))
					}
				}
			default:
				t.Errorf("%s: qunshen %v: exit %d, not the message of a damaged database:\n%s", pl.what, cmd.args, code, errs)
			}
		}
		if t.Failed() && testing.Verbose() {
			break
		}
	}
	t.Logf("%d answers as before, %d refusals", same, refused)
}

// runGuarded runs one command line in-process; a panic is returned, not raised.
func runGuarded(c *cli, args []string) (out, errs string, code int, panicked string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
		}
	}()
	out, errs, code = c.run(args...)
	return
}

func readIf(path string) string {
	if path == "" {
		return ""
	}
	b, _ := os.ReadFile(path)
	return "\n--- " + filepath.Base(path) + "\n" + string(b)
}

// firstDiff shows where two outputs part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("before: …%q\nnow:    …%q", a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}
