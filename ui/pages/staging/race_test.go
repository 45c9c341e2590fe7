package staging

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// envManifoldBinary names a manifold binary built beforehand, for a test
// binary that runs where there is no go command to build one (make
// test-windows runs the Windows tests under Wine).
const envManifoldBinary = "MANIFOLD_TEST_BINARY"

// buildManifold builds the real CLI for a test that races it.
func buildManifold(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the manifold binary")
	}
	if exe := os.Getenv(envManifoldBinary); exe != "" {
		return exe
	}
	exe := filepath.Join(t.TempDir(), "manifold")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", exe, "../../../cmd/manifold").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// The TUI has a list open while the CLI amends the same list: the TUI's
// next edit does not overwrite the CLI's entry. It is refused with a clear
// message, the pane shows the list as it is now, and the redone edit lands
// on top of the CLI's.
func TestTUIAndCLIEditOneListAtOnce(t *testing.T) {
	exe := buildManifold(t)
	env := uitest.NewStagingEnv(t, testPages())
	dataDir := t.TempDir()
	st, err := stagestore.OpenDir(filepath.Join(dataDir, "staged"))
	if err != nil {
		t.Fatal(err)
	}
	env.Store = st
	uitest.WithStore(st)(env.C.Opts)

	amd := env.Image(t, env.Host+"/app:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	arm := env.Image(t, env.Host+"/app:arm64", v1.Platform{OS: "linux", Architecture: "arm64"})
	target := env.Host + "/app:v1"
	// The CLI processes get a cache and config of their own.
	userdirs.SetCache(t, t.TempDir())
	userdirs.SetConfig(t, t.TempDir())
	cli := func(args ...string) string {
		t.Helper()
		c := exec.Command(exe, args...)
		c.Env = append(os.Environ(), stagestore.EnvDataDir+"="+dataDir, "DOCKER_CONFIG="+t.TempDir())
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("manifold %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cli("create", target, env.Host+"/app:amd64")

	p := common.Page(New(env.C))
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	sp := p.(*Model)
	if sp.cur == nil || len(sp.cur.Entries) != 1 || sp.cur.Entries[0].Digest != amd {
		t.Fatalf("the TUI opened %+v", sp.cur)
	}

	// The CLI adds arm64 while the TUI shows the one-entry list.
	cli("create", "--amend", target, env.Host+"/app:arm64")

	// The TUI changes the media type of what it shows.
	p = env.Key(p, "M")
	l, err := st.Load(target)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 2 || l.Entries[1].Digest != arm {
		t.Fatalf("the TUI's save overwrote the CLI's entry: %+v", l.Entries)
	}
	if l.MediaType != "" {
		t.Fatalf("the refused edit was written: media type %q", l.MediaType)
	}
	if s := env.LastStatus(); !strings.Contains(s, "not saved") || !strings.Contains(s, "another manifold changed the list") || !strings.Contains(s, "redo the edit") {
		t.Fatalf("status %q", s)
	}
	if len(sp.cur.Entries) != 2 || !strings.Contains(p.View(), "linux/arm64") {
		t.Fatalf("the TUI does not show the list as it is now:\n%s", p.View())
	}

	// Redone, the edit lands on top of the CLI's entry; the CLI then sees it.
	p = env.Key(p, "M")
	if l, _ = st.Load(target); len(l.Entries) != 2 || l.MediaType == "" || l.MediaType != sp.cur.MediaType {
		t.Fatalf("after the redone edit: %q %+v (TUI %q)", l.MediaType, l.Entries, sp.cur.MediaType)
	}
	if out := cli("staged", "show", target); !strings.Contains(out, "linux/arm64") || !strings.Contains(out, "linux/amd64") {
		t.Fatalf("CLI sees:\n%s", out)
	}
	// And a CLI edit after the TUI's is not lost by the TUI's next one.
	cli("annotate", target, "linux/arm64", "--annotation", "from=cli")
	p = env.Key(p, "M") // refused again: the CLI saved meanwhile
	env.Key(p, "M")
	l, _ = st.Load(target)
	if l.Entries[1].Annotations["from"] != "cli" {
		t.Fatalf("the CLI's annotation was lost: %+v", l.Entries[1])
	}
}
