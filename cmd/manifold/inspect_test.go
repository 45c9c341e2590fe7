package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/model"
)

// TestEveryFixtureEndToEnd pushes the shared fixture set (internal/fixtures)
// to a real registry and checks inspect (raw, json, json --all, table),
// platforms and resolve against what each fixture says it holds.
func TestEveryFixtureEndToEnd(t *testing.T) {
	host := readEnv(t)
	set, err := fixtures.Push(context.Background(), host)
	if err != nil {
		t.Fatalf("push fixtures: %v", err)
	}
	if len(set) < 8 {
		t.Fatalf("only %d fixtures", len(set))
	}
	for _, n := range set.Names() {
		f := set[n]
		t.Run(n, func(t *testing.T) {
			ref := f.Ref(host)
			if out := mustRun(t, "inspect", ref, "-o", "raw"); out != string(f.Raw) {
				t.Errorf("raw differs from the pushed bytes")
			}
			for _, all := range []bool{false, true} {
				args := []string{"inspect", ref, "-o", "json"}
				if all {
					args = append(args, "--all")
				}
				var v model.JSONView
				if err := json.Unmarshal([]byte(mustRun(t, args...)), &v); err != nil {
					t.Fatal(err)
				}
				if v.Reference != ref || v.Digest != f.Digest || v.MediaType != f.MediaType || len(v.Annotations) != len(f.Annotations) {
					t.Errorf("all=%v top level = %s %s %s %v", all, v.Reference, v.Digest, v.MediaType, v.Annotations)
				}
				for k, want := range f.Annotations {
					if v.Annotations[k] != want {
						t.Errorf("annotation %s = %q, want %q", k, v.Annotations[k], want)
					}
				}
				checkEntries(t, "manifests", v.Manifests, f.Entries, all)
				if f.Entries == nil && (v.Platform == "" || (all && (v.Manifest == nil || v.Config == nil))) {
					t.Errorf("single image view = %+v", v)
				}
			}
			checkPlatforms(t, f, ref, mustRun(t, "platforms", ref))
			checkResolve(t, f, host, ref)

			table := mustRun(t, "inspect", ref, "--all")
			for _, e := range flatten(f.Entries) {
				if !strings.Contains(table, e.Digest) {
					t.Errorf("table lacks %s", e.Digest)
				}
				if e.Missing && !strings.Contains(table, "missing (404)") {
					t.Errorf("table does not mark %s missing", e.Digest)
				}
			}
		})
	}
}

func checkEntries(t *testing.T, path string, got []model.JSONEntry, want []fixtures.Entry, all bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d entries, want %d", path, len(got), len(want))
		return
	}
	for i, w := range want {
		g := got[i]
		at := fmt.Sprintf("%s[%d]", path, i)
		if g.Digest != w.Digest || g.MediaType != w.MediaType || g.Platform != w.Platform {
			t.Errorf("%s = %s %s %q, want %s %s %q", at, g.Digest, g.MediaType, g.Platform, w.Digest, w.MediaType, w.Platform)
		}
		if (g.AttestationFor == nil) != (w.AttestationFor == "") || (g.AttestationFor != nil && *g.AttestationFor != w.AttestationFor) {
			t.Errorf("%s attestationFor = %v, want %q", at, g.AttestationFor, w.AttestationFor)
		}
		if len(g.Annotations) != len(w.Annotations) {
			t.Errorf("%s annotations = %v, want %v", at, g.Annotations, w.Annotations)
		}
		if !all {
			if g.Manifest != nil || g.Config != nil || g.Missing {
				t.Errorf("%s: fetched without --all", at)
			}
			continue
		}
		if g.Missing != w.Missing {
			t.Errorf("%s missing = %v, want %v", at, g.Missing, w.Missing)
		}
		if len(w.Children) > 0 {
			checkEntries(t, at+".manifests", g.Manifests, w.Children, all)
			continue
		}
		if w.Missing {
			continue
		}
		if g.Manifest == nil || g.Manifest.Config.Digest != w.ConfigDigest {
			t.Errorf("%s manifest = %+v, want config %s", at, g.Manifest, w.ConfigDigest)
		}
		if w.AttestationFor != "" || w.ConfigPlatform == "" {
			continue
		}
		if g.Config == nil {
			t.Errorf("%s: no config", at)
			continue
		}
		c := model.Platform{OS: g.Config.OS, Architecture: g.Config.Architecture, Variant: g.Config.Variant}
		if c.String() != w.ConfigPlatform {
			t.Errorf("%s config platform = %s, want %s", at, c, w.ConfigPlatform)
		}
		declared, _, _ := strings.Cut(w.Platform, ":")
		if d, cp := normalised(t, declared), normalised(t, w.ConfigPlatform); (d != cp) != (g.PlatformMismatch != "") {
			t.Errorf("%s: declared %s, config %s, mismatch flag %q", at, declared, w.ConfigPlatform, g.PlatformMismatch)
		}
	}
}

func normalised(t *testing.T, s string) string {
	t.Helper()
	p, err := model.ParsePlatform(s)
	if err != nil {
		t.Fatalf("fixture platform %q: %v", s, err)
	}
	return p.String()
}

// flatten lists the entries of an index and of nested indexes, in order.
func flatten(es []fixtures.Entry) []fixtures.Entry {
	var out []fixtures.Entry
	for _, e := range es {
		if len(e.Children) > 0 {
			out = append(out, flatten(e.Children)...)
			continue
		}
		out = append(out, e)
	}
	return out
}

func checkPlatforms(t *testing.T, f *fixtures.Fixture, ref, got string) {
	t.Helper()
	list := "No"
	if f.Entries != nil {
		list = "Yes"
	}
	if !strings.HasPrefix(got, fmt.Sprintf("Image: %s (digest: %s)\n * Manifest List: %s (Image type: %s)\n * Supported platforms:\n", ref, f.Digest, list, f.MediaType)) {
		t.Errorf("platforms header:\n%s", got)
	}
	var lines []string
	atts := 0
	for _, e := range flatten(f.Entries) {
		if e.AttestationFor != "" {
			atts++
			continue
		}
		lines = append(lines, "   - "+e.Platform)
	}
	if f.Entries == nil {
		lines = []string{"   - " + map[string]string{fixtures.SingleDocker: "linux/amd64", fixtures.SingleOCI: "linux/arm64"}[f.Name]}
	}
	want := strings.Join(lines, "\n") + "\n"
	if atts > 0 {
		want += fmt.Sprintf(" * Attestations: %d (not listed)\n", atts)
	}
	if !strings.HasSuffix(got, "platforms:\n"+want) {
		t.Errorf("platforms:\n%s\nwant the list:\n%s", got, want)
	}
}

// checkResolve asks resolve for every platform in the fixture and a few
// hosts that lack an exact entry, and compares with containerd's answer
// computed here directly.
func checkResolve(t *testing.T, f *fixtures.Fixture, host, ref string) {
	t.Helper()
	entries := flatten(f.Entries)
	hosts := map[string]bool{"linux/arm/v8": true, "linux/amd64/v3": true, "windows/amd64:10.0.26100": true, "linux/riscv64": true}
	for _, e := range entries {
		if e.AttestationFor == "" {
			hosts[e.Platform] = true
		}
	}
	var sorted []string
	for h := range hosts {
		sorted = append(sorted, h)
	}
	sort.Strings(sorted)
	for _, h := range sorted {
		want := ""
		if f.Entries == nil {
			if single := map[string]string{fixtures.SingleDocker: "linux/amd64", fixtures.SingleOCI: "linux/arm64"}[f.Name]; platforms.Only(specOf(t, h)).Match(specOf(t, single)) {
				want = host + "/" + f.Repo + "@" + f.Digest
			}
		} else if i := containerdChoice(t, entries, specOf(t, h)); i >= 0 {
			want = host + "/" + f.Repo + "@" + entries[i].Digest
		}
		code, out, errs := runCLI("resolve", ref, "--platform", h)
		switch {
		case want == "" && (code != 1 || out != "" || !strings.Contains(errs, "available:")):
			t.Errorf("resolve %s: want no match, got exit %d %q %q", h, code, out, errs)
		case want != "" && (code != 0 || out != want+"\n"):
			t.Errorf("resolve %s = exit %d %q %s, want %s", h, code, out, errs, want)
		}
	}
}

// specOf parses os/arch[/variant][:os.version] as written.
func specOf(t *testing.T, s string) specs.Platform {
	t.Helper()
	rest, osv, _ := strings.Cut(s, ":")
	parts := strings.Split(rest, "/")
	if len(parts) < 2 {
		t.Fatalf("platform %q", s)
	}
	p := specs.Platform{OS: parts[0], Architecture: parts[1], OSVersion: osv}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p
}

func containerdChoice(t *testing.T, entries []fixtures.Entry, host specs.Platform) int {
	var m platforms.MatchComparer = platforms.Only(host)
	if host.OS == "windows" {
		m = containerdWindowsHost{platforms.NewMatcher(host)} // a Windows host's own comparer
	}
	var idx []int
	for i, e := range entries {
		if e.AttestationFor == "" && m.Match(specOf(t, e.Platform)) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return -1
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return m.Less(specOf(t, entries[idx[a]].Platform), specOf(t, entries[idx[b]].Platform))
	})
	return idx[0]
}
