package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/model"
)

// manifold info names the directories this system expects: config, themes
// and the last registry in the user config directory, staged lists in the
// data directory, the cache in the cache directory, credentials in
// ~/.docker (on Windows %AppData%, %LocalAppData% and %USERPROFILE%).
// Each path info shows is the one manifold then uses: a list staged and a
// registry remembered land there.
func TestInfoPathsFollowTheSystem(t *testing.T) {
	readEnv(t)
	t.Setenv("MANIFOLD_CONFIG", "")
	t.Setenv("MANIFOLD_DATA_DIR", "")
	t.Setenv("DOCKER_CONFIG", "")
	home := userdirs.SetHome(t, t.TempDir())
	userdirs.SetConfig(t, t.TempDir())
	cache := userdirs.SetCache(t, t.TempDir())
	data := userdirs.SetData(t, t.TempDir())
	cfg, err := os.UserConfigDir() // on Windows, data's %AppData%
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"config":        filepath.Join(cfg, "manifold", "config.yaml"),
		"themes":        filepath.Join(cfg, "manifold", "themes"),
		"staged lists":  filepath.Join(data, "manifold", "staged"),
		"cache":         filepath.Join(cache, "manifold"),
		"last registry": filepath.Join(cfg, "manifold", "state.json"),
		"docker config": filepath.Join(home, ".docker", "config.json"),
	}
	paths := func() map[string]infoPath {
		var out infoOut
		if err := json.Unmarshal([]byte(mustRun(t, "info", "-o", "json")), &out); err != nil {
			t.Fatal(err)
		}
		m := map[string]infoPath{}
		for _, p := range out.Paths {
			m[p.What] = p
		}
		return m
	}
	got := paths()
	for what, p := range want {
		if got[what].Path != p {
			t.Errorf("info: %s is %q, want %q", what, got[what].Path, p)
		}
		if got[what].Exists {
			t.Errorf("info: %s %q exists in a fresh home", what, p)
		}
	}
	rememberRegistry("localhost:5000")
	st, err := stagestore.Open()
	if err != nil || st.Dir() != want["staged lists"] {
		t.Fatalf("the store opens in %q (%v), info says %q", st.Dir(), err, want["staged lists"])
	}
	if err := st.Save(&model.StagedList{Name: "localhost:5000/app:v1"}); err != nil {
		t.Fatal(err)
	}
	got = paths()
	for _, what := range []string{"staged lists", "last registry"} {
		if !got[what].Exists {
			t.Errorf("info: %s %q does not exist after use", what, got[what].Path)
		}
	}
}
