package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Lists staged in the demo never reach the user's store: the demo's TUI
// runs on a data directory of its own, removed on exit.
func TestDemoStagesInItsOwnDataDirectory(t *testing.T) {
	editEnv(t)
	userDir := os.Getenv(stagestore.EnvDataDir)
	oldTerm, oldRun := demoIsTerminal, demoRunTUI
	t.Cleanup(func() { demoIsTerminal, demoRunTUI = oldTerm, oldRun })
	demoIsTerminal = func(*globals) bool { return true }
	var demoDir string
	demoRunTUI = func(_ context.Context, _ *globals, _ *registry.Client, host string, _ tuiOptions) error {
		// What the TUI does when the user stages in the demo.
		st, err := stagestore.Open()
		if err != nil {
			return err
		}
		demoDir = st.Dir()
		return st.Create(&model.StagedList{Name: host + "/library/golang:multi", Target: host + "/library/golang:multi"})
	}
	_, out, errs := mf(t, "demo")
	if demoDir == "" {
		t.Fatalf("the demo's TUI did not run:\n%s%s", out, errs)
	}
	if strings.HasPrefix(demoDir, userDir) {
		t.Fatalf("the demo staged into the user's data directory %s", demoDir)
	}
	if !strings.Contains(errs, filepath.Dir(demoDir)) || !strings.Contains(errs, "discarded on exit") {
		t.Fatalf("the demo does not say where its lists go:\n%s", errs)
	}
	if _, err := os.Stat(demoDir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the demo's data directory is left behind: %v", err)
	}
	if got := os.Getenv(stagestore.EnvDataDir); got != userDir {
		t.Fatalf("data directory after the demo %q, want %q", got, userDir)
	}
	st, _ := stagestore.Open()
	if ls, _ := st.List(); len(ls) != 0 {
		t.Fatalf("demo lists in the user's store: %+v", ls)
	}
}
