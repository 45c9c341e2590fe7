package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// envRunArgs makes the test binary run manifold with these arguments
// (separated by \x1f) instead of the tests: a real second process.
const envRunArgs = "MANIFOLD_TEST_RUN_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(envRunArgs); args != "" {
		// Wait for the starting gun (stdin closed), so that every
		// process races the others.
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

type procResult struct {
	code     int
	out, err string
}

// raceProcesses runs one manifold process per argument list, all released
// at once, and returns how each ended.
func raceProcesses(t *testing.T, argLists [][]string) []procResult {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	res := make([]procResult, len(argLists))
	cmds := make([]*exec.Cmd, len(argLists))
	gates := make([]io.WriteCloser, len(argLists))
	outs := make([]*strings.Builder, len(argLists))
	errs := make([]*strings.Builder, len(argLists))
	for i, args := range argLists {
		c := exec.Command(exe, "-test.run=^$")
		c.Env = append(os.Environ(), envRunArgs+"="+strings.Join(args, "\x1f"))
		outs[i], errs[i] = &strings.Builder{}, &strings.Builder{}
		c.Stdout, c.Stderr = outs[i], errs[i]
		if gates[i], err = c.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = c
	}
	for _, g := range gates {
		g.Close()
	}
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.Wait()
			res[i] = procResult{code: c.ProcessState.ExitCode(), out: outs[i].String(), err: errs[i].String()}
			if err != nil && res[i].code == 0 {
				res[i].code = -1
			}
		}()
	}
	wg.Wait()
	return res
}

var eightPlatforms = []v1.Platform{
	{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"},
	{OS: "linux", Architecture: "386"}, {OS: "linux", Architecture: "ppc64le"},
	{OS: "linux", Architecture: "s390x"}, {OS: "linux", Architecture: "riscv64"},
	{OS: "linux", Architecture: "mips64le"}, {OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2113"},
}

// Eight processes each add a different image to one list at once: all
// eight are in it. Before, each loaded the list, fetched over the network
// and saved, and the last save won.
func TestEightProcessesAmendOneList(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	host := editEnv(t)
	list := host + "/app:v1"
	var argLists [][]string
	want := map[string]bool{}
	for i, p := range eightPlatforms {
		ref := host + "/src:" + strings.ReplaceAll(p.Architecture, "/", "-") + "-" + p.OS
		want[dig(t, writeImage(t, ref, p, i%2 == 0))] = true
		argLists = append(argLists, []string{"create", "--amend", list, ref})
	}
	for i, r := range raceProcesses(t, argLists) {
		if r.code != 0 {
			t.Errorf("process %d: exit %d\n%s%s", i, r.code, r.out, r.err)
		}
	}
	st, err := stagestore.Open()
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.Load(list)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, e := range l.Entries {
		got[e.Digest] = true
	}
	for d := range want {
		if !got[d] {
			t.Errorf("lost %s", d)
		}
	}
	if len(l.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(l.Entries), len(want))
	}
}

// Eight processes create one name at once: one wins, the other seven get
// the "already staged" error, and the list holds the winner's image alone.
func TestRacingCreatesOfOneNameFailButOne(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	host := editEnv(t)
	list := host + "/app:v1"
	var argLists [][]string
	digests := map[string]string{}
	for _, p := range eightPlatforms {
		ref := host + "/src:" + p.Architecture + "-" + p.OS
		digests[ref] = dig(t, writeImage(t, ref, p, false))
		argLists = append(argLists, []string{"create", list, ref})
	}
	winner := -1
	for i, r := range raceProcesses(t, argLists) {
		switch {
		case r.code == 0 && winner >= 0:
			t.Errorf("processes %d and %d both created %s", winner, i, list)
		case r.code == 0:
			winner = i
		case !strings.Contains(r.err, "already staged") || !strings.Contains(r.err, "--amend"):
			t.Errorf("process %d: exit %d without the existing-list error:\n%s", i, r.code, r.err)
		}
	}
	if winner < 0 {
		t.Fatal("no create succeeded")
	}
	st, _ := stagestore.Open()
	l, err := st.Load(list)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 1 || l.Entries[0].Digest != digests[argLists[winner][2]] {
		t.Fatalf("the list holds %+v, want the winner's %s", l.Entries, argLists[winner][2])
	}
}

// push --purge discards the list only if nobody changed it during the
// push: an edit made meanwhile (here, while the index is being written) is
// kept, and the message says how to see and discard it.
func TestPurgeKeepsAListEditedDuringThePush(t *testing.T) {
	editEnv(t)
	var (
		mu     sync.Mutex
		list   string
		edited bool
	)
	host := testregistry.Start(t, testregistry.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/app/manifests/v1") && !edited {
				edited = true
				// Another manifold annotates the list mid-push.
				st, err := stagestore.Open()
				if err == nil {
					_, err = st.Update(list, func(l *model.StagedList) error {
						return l.Annotate(0, model.PlatformEdit{}, map[string]string{"late": "edit"})
					})
				}
				if err != nil {
					t.Errorf("edit during the push: %v", err)
				}
			}
			mu.Unlock()
			h.ServeHTTP(w, r)
		})
	}}).Host
	list = host + "/app:v1"
	ref := host + "/src:amd64"
	writeImage(t, ref, v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	mustMF(t, "create", list, ref)
	code, out, errs := mf(t, "push", list, "--purge")
	if code == 0 || !strings.Contains(errs, "changed by another manifold during the push") || !strings.Contains(errs, "staged rm") {
		t.Fatalf("push --purge over an edit: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, list+"@sha256:") {
		t.Fatalf("the push itself is not reported: %s", out)
	}
	st, _ := stagestore.Open()
	l, err := st.Load(list)
	if err != nil {
		t.Fatalf("the edited list was discarded: %v", err)
	}
	if l.Entries[0].Annotations["late"] != "edit" {
		t.Fatalf("the edit is lost: %+v", l.Entries[0])
	}
	// Unchanged, it is discarded.
	mustMF(t, "push", list, "--purge")
	if _, err := st.Load(list); !errors.Is(err, stagestore.ErrNotFound) {
		t.Fatalf("purge of an unchanged list: %v", err)
	}
}
