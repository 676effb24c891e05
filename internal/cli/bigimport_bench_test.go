package cli

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"qunshen/internal/procmem"
)

// BenchmarkImportLargeExport imports a generated WeCom archive of 1 GB (QUNSHEN_BENCH_BYTES
// to change it) with the built binary, and reports the input rate and the process's peak
// memory: peak-anon-MB is its own memory (heap, stacks), peak-rss-MB adds the pages of the
// database file that its memory map holds, which the kernel takes back under pressure.
//
//	go test -run xxx -bench ImportLargeExport -benchtime 1x ./internal/cli
func BenchmarkImportLargeExport(b *testing.B) {
	size := int64(1 << 30)
	if s := os.Getenv("QUNSHEN_BENCH_BYTES"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	dir := b.TempDir()
	export := filepath.Join(dir, "wecom.jsonl")
	written, messages := writeWeComSample(b, export, size)
	bin := buildBinary(b)
	for i := 0; b.Loop(); i++ {
		db := filepath.Join(dir, fmt.Sprintf("q%d.db", i))
		if out, err := exec.Command(bin, "--db", db, "init", "--name", "王芳", "--role", "admin").CombinedOutput(); err != nil {
			b.Fatalf("init: %v\n%s", err, out)
		}
		start := time.Now()
		cmd := exec.Command(bin, "--db", db, "import", "--as", "history", export)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		peaks := procmem.Watch(cmd.Process.Pid)
		err := cmd.Wait()
		elapsed := time.Since(start)
		rss, anon := peaks()
		if err != nil {
			b.Fatalf("import: %v\n%s", err, out)
		}
		b.ReportMetric(float64(written)/1e6/elapsed.Seconds(), "MB/s")
		b.ReportMetric(float64(messages)/elapsed.Seconds(), "messages/s")
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
		b.ReportMetric(float64(anon)/(1<<20), "peak-anon-MB")
		b.Logf("%d bytes, %d messages: %s\n%s", written, messages, elapsed, out)
	}
}

// writeWeComSample writes a WeCom archive of about size bytes: one group chat of 2,000
// members, text messages of realistic length, with a recall now and then.
func writeWeComSample(b *testing.B, path string, size int64) (written int64, messages int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(7, 7))
	phrases := []string{"各位同事请注意，", "明天上午九点在三楼会议室召开工作例会，", "请各部门负责人准时参加。", "收到", "好的，马上落实。",
		"关于本周安全检查的安排如下：一、各科室自查；二、办公室抽查。", "请大家及时更新个人信息。", "本周五下午组织学习，请带好笔记本。", "已完成，请审阅。"}
	t := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC).UnixMilli()
	last := ""
	for written < size {
		messages++
		t += int64(r.IntN(30_000))
		var text strings.Builder
		for n := 1 + r.IntN(4); n > 0; n-- {
			text.WriteString(phrases[r.IntN(len(phrases))])
		}
		var line string
		if messages%50 == 0 {
			line = fmt.Sprintf(`{"msgid":"r%d_%d_external","action":"recall","from":"user%04d","tolist":["room"],"roomid":"wrRoom0001AAAA","msgtime":%d,"msgtype":"revoke","revoke":{"pre_msgid":%q}}`,
				messages, t, r.IntN(2000), t, last)
		} else {
			last = fmt.Sprintf("m%d_%d_external", messages, t)
			line = fmt.Sprintf(`{"msgid":%q,"action":"send","from":"user%04d","tolist":["room"],"roomid":"wrRoom0001AAAA","msgtime":%d,"msgtype":"text","text":{"content":%q}}`,
				last, r.IntN(2000), t, text.String())
		}
		n, err := w.WriteString(line + "\n")
		if err != nil {
			b.Fatal(err)
		}
		written += int64(n)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return written, messages
}
