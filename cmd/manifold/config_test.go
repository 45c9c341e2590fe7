package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/registry"
)

// configEnv points MANIFOLD_CONFIG at a file holding src.
func configEnv(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MANIFOLD_CONFIG", p)
	return p
}

type infoOut struct {
	Paths    []infoPath    `json:"paths"`
	Settings []infoSetting `json:"settings"`
}

func info(t *testing.T, args ...string) map[string]infoSetting {
	t.Helper()
	out := mustRun(t, append(args, "info", "-o", "json")...)
	var o infoOut
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	m := map[string]infoSetting{}
	for _, s := range o.Settings {
		m[s.Key] = s
	}
	return m
}

// TestConfigPrecedence: flags override the file, the file the defaults,
// and info says where each value came from.
func TestConfigPrecedence(t *testing.T) {
	readEnv(t)
	configEnv(t, "# team settings\nreadonly: true\ntheme: light\nlimits:\n  concurrency: 4\n  max-wait: 3s\ncache:\n  size: 1MiB\n")
	s := info(t)
	for key, want := range map[string][2]string{
		"readonly":           {"true", "config file line 2"},
		"theme":              {"light", "config file line 3"},
		"limits.concurrency": {"4", "config file line 5"},
		"limits.max-wait":    {"3s", "config file line 6"},
		"cache.size":         {"1048576 bytes", "config file line 8"},
		"mouse":              {"true", "default"},
		"limits.attempts":    {"4", "default"},
	} {
		if got := s[key]; got.Value != want[0] || got.Source != want[1] {
			t.Errorf("%s: %+v, want %v", key, got, want)
		}
	}
	s = info(t, "--readonly=false", "--theme", "dark", "--mouse=false")
	for key, want := range map[string][2]string{
		"readonly": {"false", "flag --readonly"},
		"theme":    {"dark", "flag --theme"},
		"mouse":    {"false", "flag --mouse"},
	} {
		if got := s[key]; got.Value != want[0] || got.Source != want[1] {
			t.Errorf("with flags, %s: %+v, want %v", key, got, want)
		}
	}
}

// TestConfigReadOnlyRefusesPush: readonly: true in the file is --readonly.
func TestConfigReadOnlyRefusesPush(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	mustMF(t, "create", host+"/app:v1", refs[0])
	configEnv(t, "readonly: true\n")
	if code, _, errs := mf(t, "tag", refs[0], "copy"); code == 0 || !strings.Contains(errs, "readonly") {
		t.Fatalf("tag under readonly: true: %d %s", code, errs)
	}
	if code, _, errs := mf(t, "--readonly=false", "tag", refs[0], "copy"); code != 0 {
		t.Fatalf("--readonly=false over the file: %d %s", code, errs)
	}
}

func TestConfigErrorsNameTheLine(t *testing.T) {
	readEnv(t)
	p := configEnv(t, "theme: dark\nreadonyl: true\n")
	code, _, errs := runCLI("info")
	if code == 0 || !strings.Contains(errs, p) || !strings.Contains(errs, `line 2: unknown key "readonyl"; did you mean "readonly"?`) {
		t.Fatalf("%d %s", code, errs)
	}
	configEnv(t, "mouse: off\n")
	if _, _, errs := runCLI("inspect", "x"); !strings.Contains(errs, `line 1: mouse: "off" is not true or false; did you mean false?`) {
		t.Fatalf("bad value: %s", errs)
	}
}

func TestInfoPaths(t *testing.T) {
	readEnv(t)
	p := configEnv(t, "registry: localhost:5000\n")
	t.Setenv("DOCKER_CONFIG", "/some/docker")
	out := mustRun(t, "info")
	for _, want := range []string{"config", p, "exists", "from MANIFOLD_CONFIG", "themes", "staged lists", "cache", "last registry",
		"docker config", filepath.Join("/some/docker", "config.json"), "registry", "localhost:5000", "config file line 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
}

// Unset, limits.concurrency is not one number: info says the tree fetch's
// limit adapts (from registry's own bounds) and what a push sends at a
// time; set, it is the number.
func TestInfoSaysTheConcurrencyThatIsTrue(t *testing.T) {
	readEnv(t)
	configEnv(t, "registry: localhost:5000\n")
	got := info(t)["limits.concurrency"]
	for _, want := range []string{"adaptive for tree fetches", fmt.Sprintf("%d at first, up to %d", registry.TreeConcurrencyStart, registry.TreeConcurrencyMax),
		fmt.Sprintf("%d children at a time for pushes", registry.DefaultConcurrency)} {
		if !strings.Contains(got.Value, want) || got.Source != "default" {
			t.Errorf("unset: %+v, want %q from the default", got, want)
		}
	}
	configEnv(t, "limits:\n  concurrency: 8\n")
	if got := info(t)["limits.concurrency"]; got.Value != "8" || got.Source != "config file line 2" {
		t.Errorf("set: %+v, want 8 from line 2", got)
	}
}
