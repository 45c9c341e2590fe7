package config

import (
	"github.com/manifold-dev/manifold/internal/userdirs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseEveryKey(t *testing.T) {
	src := `# manifold
registry: ghcr.io
insecure-registries: [registry.lan:5000]
token-realms: [10.0.0.5]
ca-files:
  registry.corp: /etc/corp.pem
theme: light
mouse: false
readonly: true
resolve-hosts: [linux/amd64, "windows/amd64:10.0.20348"]
cache:
  size: 512MiB
limits:
  concurrency: 8
  page-size: 200
  header-timeout: 10s
  stall-timeout: 20s
  attempts: 2
  max-wait: 5s
  list-page-bytes: 1MiB
  list-pages: 50
  request-timeout: 90s
  min-rate: 16KiB
  manifest-bytes: 8MiB
  child-bytes: 512KiB
  children: 64
  tree-bytes: 32MiB
`
	var f File
	if err := Parse([]byte(src), &f); err != nil {
		t.Fatal(err)
	}
	if f.Registry != "ghcr.io" || f.Insecure[0] != "registry.lan:5000" || len(f.TokenRealms) != 1 || f.TokenRealms[0] != "10.0.0.5" || f.CAFiles["registry.corp"] != "/etc/corp.pem" ||
		f.Theme != "light" || *f.Mouse || !*f.ReadOnly || len(f.ResolveHosts) != 2 || *f.CacheSize != 512<<20 {
		t.Fatalf("%+v", f)
	}
	l := f.Limits
	if l.Concurrency != 8 || l.PageSize != 200 || l.HeaderTimeout != 10*time.Second || l.StallTimeout != 20*time.Second ||
		l.Attempts != 2 || l.MaxWait != 5*time.Second || l.ListPageBytes != 1<<20 || l.ListPages != 50 {
		t.Fatalf("%+v", l)
	}
	if l.RequestTimeout != 90*time.Second || l.MinRate != 16<<10 || l.ManifestBytes != 8<<20 || l.ChildBytes != 512<<10 ||
		l.Children != 64 || l.TreeBytes != 32<<20 {
		t.Fatalf("%+v", l)
	}
	if f.Lines["readonly"] != 9 || f.Lines["limits.attempts"] != 18 {
		t.Fatalf("lines %v", f.Lines)
	}
	if len(f.Lines) != len(Keys()) {
		t.Fatalf("the test sets %d keys of %d", len(f.Lines), len(Keys()))
	}
}

func TestBadKeysAndValuesSayTheLineAndDidYouMean(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"readonyl: true\n", `line 1: unknown key "readonyl"; did you mean "readonly"?`},
		{"theme: dark\nmuose: false\n", `line 2: unknown key "muose"; did you mean "mouse"?`},
		{"limits:\n  concurency: 3\n", `line 2: unknown key "limits.concurency"; did you mean "limits.concurrency"?`},
		{"concurrency: 3\n", `did you mean "limits.concurrency"?`},
		{"cache-size: 1G\n", `did you mean "cache.size"?`},
		{"readonly: yes\n", `line 1: readonly: "yes" is not true or false; did you mean true?`},
		{"mouse: flase\n", `did you mean false?`},
		{"limits:\n  attempts: -1\n", `line 2: limits.attempts: "-1" is not a positive number`},
		{"limits:\n  max-wait: 5\n", `line 2: limits.max-wait: "5" is not a duration`},
		{"cache:\n  size: lots\n", `cache.size: "lots" is not a size`},
		{"insecure-registries: host\n", `insecure-registries: "host" is not a list`},
		{"resolve-hosts:\n  a: b\n", `resolve-hosts: "a mapping" is not a list`},
		{"readonly: true\nreadonly: false\n", "line 2: readonly is set twice (first on line 1)"},
		{"- a\n- b\n", "line 1: the file must be a mapping"},
		{"zzzzzzzz: 1\n", `line 1: unknown key "zzzzzzzz" (manifold info lists the keys)`},
	} {
		var f File
		err := Parse([]byte(c.src), &f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.src, err, c.want)
		}
	}
}

func TestLoadAndPath(t *testing.T) {
	dir := t.TempDir()
	cfg := userdirs.SetConfig(t, dir)
	t.Setenv(EnvConfig, "")
	if p := Path(); p != filepath.Join(cfg, "manifold", "config.yaml") {
		t.Fatalf("Path %q, want manifold/config.yaml in %s", p, cfg)
	}
	f, err := Load(filepath.Join(dir, "nope.yaml"))
	if err != nil || f.Registry != "" {
		t.Fatalf("a missing default file: %v", err)
	}
	named := filepath.Join(dir, "named.yaml")
	t.Setenv(EnvConfig, named)
	if Path() != named {
		t.Fatal("MANIFOLD_CONFIG ignored")
	}
	if _, err := Load(named); err == nil {
		t.Fatal("a missing file named by MANIFOLD_CONFIG is not an error")
	}
	os.WriteFile(named, []byte("readonly: maybe\n"), 0o600)
	if _, err := Load(named); err == nil || !strings.Contains(err.Error(), named) || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad file: %v", err)
	}
}

func TestSetResolveHostsKeepsTheRest(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "config.yaml")
	if err := SetResolveHosts(p, []string{"linux/arm64"}); err != nil {
		t.Fatal(err)
	}
	var f File
	b, _ := os.ReadFile(p)
	if err := Parse(b, &f); err != nil || len(f.ResolveHosts) != 1 {
		t.Fatalf("%v %+v", err, f)
	}
	os.WriteFile(p, []byte("# my settings\nreadonly: true # keep me\nresolve-hosts: [linux/amd64]\n"), 0o600)
	if err := SetResolveHosts(p, []string{"linux/riscv64", "linux/arm/v7"}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(p)
	f = File{}
	if err := Parse(b, &f); err != nil || !*f.ReadOnly || strings.Join(f.ResolveHosts, ",") != "linux/riscv64,linux/arm/v7" {
		t.Fatalf("%v %+v\n%s", err, f, b)
	}
	if !strings.Contains(string(b), "# my settings") || !strings.Contains(string(b), "# keep me") {
		t.Fatalf("comments lost:\n%s", b)
	}
}

func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{"0": 0, "1024": 1024, "1KiB": 1024, "2MB": 2e6, "1.5G": 3 << 29, "10 MiB": 10 << 20} {
		if got, err := parseSize(s); err != nil || got != want {
			t.Errorf("%s: %d %v", s, got, err)
		}
	}
	for _, s := range []string{"", "x", "-1", "1XB"} {
		if _, err := parseSize(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
