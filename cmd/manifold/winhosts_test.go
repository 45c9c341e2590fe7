package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/manifold-dev/manifold/model"
)

// containerdWindowsHost is platforms.Default() on a Windows machine, the
// windowsMatchComparer of containerd/platforms' platform_windows_compat.go,
// as its source reads: match with platforms.NewMatcher(host); among matches
// the greater os.version ranks first.
type containerdWindowsHost struct{ platforms.Matcher }

func (c containerdWindowsHost) Less(a, b specs.Platform) bool {
	ma, mb := c.Match(a), c.Match(b)
	if ma && mb {
		return a.OSVersion > b.OSVersion
	}
	return ma && !mb
}

// containerdPick is what the Windows host's containerd pulls from
// versions (index order): the os.version, or "".
func containerdPick(host string, versions []string) string {
	m := containerdWindowsHost{platforms.NewMatcher(specs.Platform{OS: "windows", Architecture: "amd64", OSVersion: host})}
	var ok []specs.Platform
	for _, v := range versions {
		sp := specs.Platform{OS: "windows", Architecture: "amd64", OSVersion: v}
		if m.Match(sp) {
			ok = append(ok, sp)
		}
	}
	if len(ok) == 0 {
		return ""
	}
	sort.SliceStable(ok, func(i, j int) bool { return m.Less(ok[i], ok[j]) })
	return ok[0].OSVersion
}

// The matrix: ltsc2019, ltsc2022, 22621, ltsc2025 and 26200 hosts
// against Windows lists in several orders, lacking some builds, served by
// the distribution registry, compared with containerd's Windows comparer.
func TestResolveWindowsHostMatrix(t *testing.T) {
	host := readEnv(t)
	const (
		b2019 = "10.0.17763.5329"
		b2022 = "10.0.20348.2113"
		b22h2 = "10.0.22621.4317"
		b2025 = "10.0.26100.2033"
		b25h2 = "10.0.26200.6584"
	)
	lists := map[string][]string{
		"ascending":  {b2019, b2022, b2025},
		"descending": {b2025, b2022, b2019},
		"no-2025":    {b2022, b2019},
		"no-2022":    {b2019, b2025},
		"client":     {b2025, b22h2, b2022},
		"25h2-mid":   {b2022, b25h2, b2025},
		"only-2019":  {b2019},
	}
	hosts := []string{"10.0.17763", "10.0.20348", "10.0.22621", "10.0.26100", "10.0.26200"}
	// Known by hand, so the oracle is checked too.
	hand := map[[2]string]string{
		{"ascending", "10.0.26100"}:  b2025,
		{"ascending", "10.0.22621"}:  b2022,
		{"ascending", "10.0.17763"}:  b2019,
		{"descending", "10.0.20348"}: b2022,
		{"no-2022", "10.0.20348"}:    "",
		{"no-2022", "10.0.22621"}:    "",
		{"no-2025", "10.0.26200"}:    b2022,
		{"client", "10.0.22621"}:     b22h2,
		{"client", "10.0.26100"}:     b2025,
		{"25h2-mid", "10.0.26200"}:   b25h2,
		{"25h2-mid", "10.0.26100"}:   b2025,
		{"only-2019", "10.0.20348"}:  "",
	}
	checked, picked := 0, 0
	for name, versions := range lists {
		var entries []fxEntry
		for _, v := range versions {
			entries = append(entries, img(p("windows", "amd64", "", v)))
		}
		entries = append(entries, img(p("linux", "amd64", "", "")))
		fx := pushIndex(t, host+"/win:"+name, false, nil, entries...)
		for _, h := range hosts {
			want := containerdPick(h, versions)
			if hw, ok := hand[[2]string{name, h}]; ok && hw != want {
				t.Fatalf("oracle: %s on %s = %q, known %q", h, name, want, hw)
			}
			code, out, errs := runCLI("resolve", fx.ref, "--platform", "windows/amd64:"+h, "-o", "json")
			var r resolveJSON
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%s on %s: exit %d, %v\n%s%s", h, name, code, err, out, errs)
			}
			checked++
			got := ""
			if r.Digest != "" {
				got = strings.TrimPrefix(r.Platform, "windows/amd64:")
			}
			if got != want {
				t.Errorf("host %s on %s %v: manifold pulls %q, containerd on Windows pulls %q", h, name, versions, got, want)
			}
			if want == "" {
				// No match: exit 1, and why names the nearest entry.
				if code != 1 || !strings.Contains(r.Why, "nearest is windows/amd64:") || !strings.Contains(errs, "nearest") {
					t.Errorf("%s on %s: no match, exit %d, why %q, stderr %q", h, name, code, r.Why, errs)
				}
				continue
			}
			picked++
			if code != 0 {
				t.Errorf("%s on %s: exit %d", h, name, code)
			}
			// The candidates are ranked highest compatible build first, and
			// the Linux entry is last, with its reason.
			if len(r.Candidates) != len(versions)+1 || r.Candidates[0].Digest != r.Digest ||
				r.Candidates[len(r.Candidates)-1].Rule != model.RuleOS {
				t.Errorf("%s on %s: candidates %+v", h, name, r.Candidates)
			}
			for i := 1; i < len(r.Candidates); i++ {
				a, b := r.Candidates[i-1], r.Candidates[i]
				if a.Match && b.Match && a.Platform < b.Platform {
					t.Errorf("%s on %s: %s ranked above %s", h, name, a.Platform, b.Platform)
				}
				if !a.Match && b.Match {
					t.Errorf("%s on %s: non-match ranked above a match", h, name)
				}
			}
			if got[:10] == h {
				if r.Rule != model.RuleExact {
					t.Errorf("%s on %s: rule %q, want exact", h, name, r.Rule)
				}
			} else if r.Rule != model.RuleWindowsBuild || !strings.Contains(r.Why, "highest compatible") {
				t.Errorf("%s on %s: rule %q why %q", h, name, r.Rule, r.Why)
			}
		}
	}
	if picked == 0 || picked == checked {
		t.Fatalf("degenerate matrix: %d of %d picked", picked, checked)
	}
	t.Logf("%d host/list pairs agree with containerd's Windows comparer (%d pull something)", checked, picked)

	// The build names appear in the explanation.
	fx := pushIndex(t, host+"/win:named", false, nil, img(p("windows", "amd64", "", b2022)), img(p("windows", "amd64", "", b2025)))
	out := mustRun(t, "resolve", fx.ref, "--platform", "windows/amd64:10.0.26100", "--explain")
	for _, s := range []string{"26100 (ltsc2025)", "Runner-up: windows/amd64:" + b2022, "exact build"} {
		if !strings.Contains(out, s) {
			t.Errorf("--explain lacks %q:\n%s", s, out)
		}
	}
	code, _, errs := runCLI("resolve", fx.ref, "--platform", "windows/amd64:10.0.17763")
	if code != 1 || !strings.Contains(errs, "17763 (ltsc2019) host runs only 17763 (ltsc2019)") {
		t.Errorf("ltsc2019 host: exit %d, %q", code, errs)
	}
}
