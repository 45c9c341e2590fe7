package model

import (
	"strings"
	"testing"
)

// The Linux fallbacks, with the rule and reason resolve gives, and the
// nearest entry for no match.
func TestResolveExplainsFallbacks(t *testing.T) {
	cases := []struct {
		list     []string
		host     string
		pick     string // "" for none
		rule     string
		why      []string
		runnerUp string
	}{
		{[]string{"linux/arm/v5", "linux/arm/v6", "linux/arm/v7"}, "linux/arm/v8", "linux/arm/v7", RuleARMFallback,
			[]string{"arm fallback: an arm/v8 host runs arm/v7 (v8 → v7 → v6 → v5)", "Runner-up: linux/arm/v6"}, "linux/arm/v6"},
		{[]string{"linux/arm/v5", "linux/arm/v6"}, "linux/arm/v7", "linux/arm/v6", RuleARMFallback, []string{"(v7 → v6 → v5)"}, "linux/arm/v5"},
		{[]string{"linux/arm/v7", "linux/arm64/v8"}, "linux/arm64", "linux/arm64/v8", RuleExact, []string{"exact match", "Runner-up: linux/arm/v7"}, "linux/arm/v7"},
		{[]string{"linux/arm/v7", "linux/amd64"}, "linux/arm64", "linux/arm/v7", RuleARMFallback, []string{"arm64 host runs 32-bit arm/v7"}, ""},
		{[]string{"linux/amd64/v2", "linux/amd64", "linux/386"}, "linux/amd64/v3", "linux/amd64/v2", RuleAMD64Fallback,
			[]string{"an amd64/v3 host runs amd64/v2 (v3 → v2 → v1 → 386)"}, "linux/amd64"},
		{[]string{"linux/386", "linux/arm64"}, "linux/amd64", "linux/386", RuleAMD64Fallback, []string{"runs 386", "No other entry fits"}, ""},
		{[]string{"linux/arm64", "linux/arm/v7"}, "linux/arm/v6", "", "", []string{"nearest is linux/arm/v7", "needs arm/v7; an arm/v6 host runs v6 → v5"}, ""},
		{[]string{"windows/amd64:10.0.20348.1", "linux/amd64/v3"}, "linux/amd64/v2", "", "", []string{"nearest is linux/amd64/v3", "needs amd64/v3"}, ""},
		{[]string{"linux/s390x", "windows/amd64:10.0.20348.1"}, "linux/amd64", "", "", []string{"nearest is linux/s390x", "built for s390x; the host is amd64"}, ""},
		{[]string{}, "linux/amd64", "", "", []string{"no platform entries"}, ""},
		{[]string{"windows/amd64:10.0.26100.1"}, "windows/amd64:10.0.20348", "", "", []string{"built for 26100 (ltsc2025); a 20348 (ltsc2022) host runs only 20348 (ltsc2022)"}, ""},
		{[]string{"windows/amd64:10.0.20348.1"}, "windows/amd64:10.0.26200", "windows/amd64:10.0.20348.1", RuleWindowsBuild,
			[]string{"a 26200 (Windows 11 25H2) host runs builds 20348 (ltsc2022) to 26200"}, ""},
	}
	for _, c := range cases {
		tr := listTree(t, c.list)
		host, err := ParsePlatform(c.host)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Resolve(tr, host)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if r.Digest != "" {
			got = r.Platform.String()
		}
		if got != c.pick || r.Rule != c.rule {
			t.Errorf("%s on %v: picked %q by %q, want %q by %q", c.host, c.list, got, r.Rule, c.pick, c.rule)
		}
		for _, w := range c.why {
			if !strings.Contains(r.Why, w) {
				t.Errorf("%s on %v: why %q lacks %q", c.host, c.list, r.Why, w)
			}
		}
		if len(r.Candidates) != len(c.list) {
			t.Errorf("%s on %v: %d candidates", c.host, c.list, len(r.Candidates))
		}
		if c.runnerUp != "" && (len(r.Candidates) < 2 || r.Candidates[1].Platform.String() != c.runnerUp) {
			t.Errorf("%s on %v: runner-up %+v", c.host, c.list, r.Candidates)
		}
		for _, cd := range r.Candidates {
			if cd.Reason == "" || cd.Rule == "" {
				t.Errorf("%s on %v: candidate without a reason %+v", c.host, c.list, cd)
			}
		}
	}
}

func TestWindowsBuildNames(t *testing.T) {
	for v, want := range map[string]string{
		"10.0.17763.5329": "ltsc2019", "10.0.20348": "ltsc2022", "10.0.26100.1": "ltsc2025",
		"10.0.22621.4317": "Windows 11 22H2", "10.0.19045.1": "Windows 10 22H2", "10.0.26200": "Windows 11 25H2",
		"10.0.99999": "", "6.3.9600": "", "": "", "10.0": "", "10.0.x": "",
	} {
		if got := WindowsBuildName(v); got != want {
			t.Errorf("WindowsBuildName(%q) = %q, want %q", v, got, want)
		}
	}
}
