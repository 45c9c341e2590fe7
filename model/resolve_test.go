package model

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// resolveLists are index entry lists as found in the wild, several lacking
// the exact variant or Windows build a host asks for. "att" marks a BuildKit
// attestation of the entry before it; "att:os/arch" is an attestation
// descriptor that (wrongly) carries a real platform.
var resolveLists = map[string][]string{
	"arm-v6-v7":          {"linux/arm/v6", "linux/arm/v7"},
	"arm-v7-v6":          {"linux/arm/v7", "linux/arm/v6"},
	"arm-v5-only":        {"linux/amd64", "linux/arm/v5"},
	"arm-no-variant":     {"linux/arm", "linux/arm64"},
	"arm64-v8-explicit":  {"linux/amd64", "att", "linux/arm64/v8", "att"},
	"arm64-v8.2":         {"linux/arm64/v8.2", "linux/arm64"},
	"amd64-386":          {"linux/amd64", "linux/386"},
	"386-amd64":          {"linux/386", "linux/amd64"},
	"amd64-levels":       {"linux/amd64/v4", "linux/amd64/v2", "linux/amd64", "linux/amd64/v3"},
	"amd64-v2-only":      {"linux/amd64/v2", "linux/arm64"},
	"386-only":           {"linux/386"},
	"duplicates":         {"linux/amd64", "linux/amd64", "linux/arm/v7", "linux/arm/v7"},
	"attestation-first":  {"att:linux/amd64", "linux/amd64", "att"},
	"windows-old":        {"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.20348.2113"},
	"windows-new-first":  {"windows/amd64:10.0.26100.2033", "windows/amd64:10.0.20348.2113"},
	"windows-lacks-host": {"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.26100.2033"},
	"windows-no-version": {"windows/amd64", "linux/amd64"},
	"docker-library": {
		"linux/amd64", "att", "linux/arm/v5", "att", "linux/arm/v7", "att", "linux/arm64/v8", "att",
		"linux/386", "att", "linux/mips64le", "linux/ppc64le", "linux/riscv64", "linux/s390x",
		"windows/amd64:10.0.20348.2113", "windows/amd64:10.0.17763.5329",
	},
	"empty": {},
}

// resolveHosts in containerd syntax; windows hosts are also tried in the
// docker/mquery syntax.
var resolveHosts = []string{
	"linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8", "linux/arm",
	"linux/arm64", "linux/arm64/v8", "linux/arm64/v8.2", "linux/aarch64",
	"linux/amd64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4", "linux/x86_64", "linux/386",
	"linux/riscv64", "linux/s390x", "linux/ppc64le", "linux/mips64le",
	"windows(10.0.17763)/amd64", "windows(10.0.20348)/amd64", "windows(10.0.22621)/amd64",
	"windows(10.0.26100)/amd64", "windows(10.0.26200)/amd64", "windows/amd64", "windows/arm64",
	"darwin/arm64",
}

// listTree turns a list spec into a tree, and returns each entry's spec.
func listTree(t *testing.T, list []string) *Tree {
	t.Helper()
	tr := &Tree{Reference: "r/app:1", Repository: "r/app", MediaType: MediaTypeOCIIndex, Digest: fxDigest([]byte("root"))}
	for i, s := range list {
		e := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: fxDigest([]byte(fmt.Sprint(i, s))), Size: 100}}
		if rest, ok := strings.CutPrefix(s, "att"); ok {
			prev := ""
			if i > 0 {
				prev = tr.Entries[i-1].Digest
			}
			p := Platform{OS: "unknown", Architecture: "unknown"}
			if plat, ok := strings.CutPrefix(rest, ":"); ok {
				p = fxPlat(t, plat)
			}
			e.Platform = &p
			e.Annotations = map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: prev}
			e.AttestationFor = prev
		} else {
			p := fxPlat(t, s)
			e.Platform = &p
		}
		tr.Entries = append(tr.Entries, e)
	}
	return tr
}

// windowsOracle is platforms.Default() on a Windows machine
// (windowsMatchComparer in platform_windows_compat.go), written out from the
// library's source for this test: match with platforms.NewMatcher(host), and
// among matches the greater os.version string ranks first.
type windowsOracle struct{ platforms.Matcher }

func (o windowsOracle) Less(a, b specs.Platform) bool {
	ma, mb := o.Match(a), o.Match(b)
	if ma && mb {
		return a.OSVersion > b.OSVersion
	}
	return ma && !mb
}

// referenceResolve is the host runtime's answer computed directly with the
// library: filter with platforms.Only(host).Match (a Linux host) or the
// Windows host comparer (a Windows host), stable-sort with Less, first wins.
// Attestations are left out. It returns the entry index or -1.
func referenceResolve(tr *Tree, host specs.Platform) int {
	var m platforms.MatchComparer = platforms.Only(host)
	if host.OS == "windows" {
		m = windowsOracle{platforms.NewMatcher(host)}
	}
	var idx []int
	for i, e := range tr.Entries {
		if e.Annotations[AnnotationReferenceType] == ReferenceTypeAttestation {
			continue
		}
		p := specs.Platform{OS: e.Platform.OS, Architecture: e.Platform.Architecture, Variant: e.Platform.Variant, OSVersion: e.Platform.OSVersion}
		if m.Match(p) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return -1
	}
	sort.SliceStable(idx, func(a, b int) bool {
		pa, pb := tr.Entries[idx[a]].Platform, tr.Entries[idx[b]].Platform
		return m.Less(specs.Platform{OS: pa.OS, Architecture: pa.Architecture, Variant: pa.Variant, OSVersion: pa.OSVersion},
			specs.Platform{OS: pb.OS, Architecture: pb.Architecture, Variant: pb.Variant, OSVersion: pb.OSVersion})
	})
	return idx[0]
}

// dockerSyntax rewrites windows(V)/arch as windows/arch:V.
func dockerSyntax(h string) (string, bool) {
	osPart, rest, ok := strings.Cut(h, "/")
	if !ok {
		return "", false
	}
	name, ver, ok := strings.Cut(osPart, "(")
	if !ok {
		return "", false
	}
	return name + "/" + rest + ":" + strings.TrimSuffix(ver, ")"), true
}

func TestResolveAgreesWithContainerd(t *testing.T) {
	checked, matched := 0, 0
	for name, list := range resolveLists {
		tr := listTree(t, list)
		for _, h := range resolveHosts {
			spec, err := platforms.Parse(h)
			if err != nil {
				t.Fatalf("containerd cannot parse host %q: %v", h, err)
			}
			want := referenceResolve(tr, spec)
			syntaxes := []string{h}
			if d, ok := dockerSyntax(h); ok {
				syntaxes = append(syntaxes, d)
			}
			for _, hs := range syntaxes {
				host, err := ParsePlatform(hs)
				if err != nil {
					t.Fatalf("ParsePlatform(%q): %v", hs, err)
				}
				r, err := Resolve(tr, host)
				if err != nil {
					t.Fatalf("%s on %s: %v", hs, name, err)
				}
				got := -1
				for i, e := range tr.Entries {
					if e == r.Entry {
						got = i
					}
				}
				checked++
				if got != want {
					t.Errorf("host %s on %s %v: Resolve chose %d, containerd chooses %d", hs, name, list, got, want)
					continue
				}
				if got >= 0 {
					matched++
					e := tr.Entries[got]
					if e.IsAttestation() {
						t.Errorf("host %s on %s: chose an attestation", hs, name)
					}
					if r.Digest != e.Digest || r.Reference != "r/app@"+e.Digest || r.Platform.String() != e.Platform.String() || r.MediaType != e.MediaType {
						t.Errorf("host %s on %s: resolution fields %+v", hs, name, r)
					}
				} else if r.Digest != "" || r.Reference != "" {
					t.Errorf("host %s on %s: no match but %+v", hs, name, r)
				}
			}
		}
	}
	t.Logf("%d host/list pairs agree with containerd (%d matches, %d no-match)", checked, matched, checked-matched)
	if matched == 0 || matched == checked {
		t.Fatalf("table is degenerate: %d of %d matched", matched, checked)
	}
}

// Answers known by hand, so the reference computation is checked too.
func TestResolveHandKnown(t *testing.T) {
	cases := []struct {
		list []string
		host string
		want string // the chosen entry's platform as written, "" for no match
		at   int    // its index, to tell duplicates apart
	}{
		{[]string{"linux/arm/v6", "linux/arm/v7"}, "linux/arm/v8", "linux/arm/v7", 1},
		{[]string{"linux/arm/v6", "linux/arm/v7"}, "linux/arm/v7", "linux/arm/v7", 1},
		{[]string{"linux/arm/v6", "linux/arm/v7"}, "linux/arm/v6", "linux/arm/v6", 0},
		{[]string{"linux/arm/v6", "linux/arm/v7"}, "linux/arm/v5", "", -1},
		{[]string{"linux/arm/v6", "linux/arm/v7"}, "linux/arm64", "linux/arm/v7", 1},
		{[]string{"linux/amd64", "linux/arm/v5"}, "linux/arm/v7", "linux/arm/v5", 1},
		{[]string{"linux/arm", "linux/arm64"}, "linux/arm/v7", "linux/arm", 0},
		{[]string{"linux/amd64", "linux/arm64/v8"}, "linux/arm64", "linux/arm64/v8", 1},
		{[]string{"linux/amd64", "linux/arm64"}, "linux/arm64/v8", "linux/arm64", 1},
		{[]string{"linux/arm64/v8.2", "linux/arm64"}, "linux/arm64", "linux/arm64", 1},
		{[]string{"linux/arm64/v8.2", "linux/arm64"}, "linux/arm64/v8.2", "linux/arm64/v8.2", 0},
		{[]string{"linux/amd64", "linux/386"}, "linux/amd64/v3", "linux/amd64", 0},
		{[]string{"linux/386", "linux/amd64"}, "linux/amd64/v3", "linux/amd64", 1},
		{[]string{"linux/386", "linux/arm64"}, "linux/amd64/v4", "linux/386", 0},
		{[]string{"linux/amd64"}, "linux/386", "", -1},
		{[]string{"linux/amd64/v4", "linux/amd64/v2", "linux/amd64", "linux/amd64/v3"}, "linux/amd64/v3", "linux/amd64/v3", 3},
		{[]string{"linux/amd64/v4", "linux/amd64/v2", "linux/amd64"}, "linux/amd64/v3", "linux/amd64/v2", 1},
		{[]string{"linux/amd64/v4", "linux/amd64/v2", "linux/amd64"}, "linux/amd64", "linux/amd64", 2},
		{[]string{"linux/amd64/v2"}, "linux/amd64", "", -1},
		{[]string{"linux/amd64", "linux/amd64"}, "linux/amd64", "linux/amd64", 0},
		{[]string{"att:linux/amd64", "linux/amd64", "att"}, "linux/amd64", "linux/amd64", 1},
		{[]string{"att:linux/amd64"}, "linux/amd64", "", -1},
		// Windows: a host before 10.0.20348 needs its exact build; from
		// 20348 on, a host runs builds from the previous LTSC up to its own.
		{[]string{"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.20348.2113"}, "windows(10.0.26100)/amd64", "windows/amd64:10.0.20348.2113", 1},
		{[]string{"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.20348.2113"}, "windows/amd64:10.0.26100", "windows/amd64:10.0.20348.2113", 1},
		{[]string{"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.20348.2113"}, "windows(10.0.17763)/amd64", "windows/amd64:10.0.17763.5329", 0},
		{[]string{"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.20348.2113"}, "windows/amd64:10.0.22621", "windows/amd64:10.0.20348.2113", 1},
		{[]string{"windows/amd64:10.0.20348.2113", "windows/amd64:10.0.26100.2033"}, "windows/amd64:10.0.17763", "", -1},
		{[]string{"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.26100.2033"}, "windows(10.0.20348)/amd64", "", -1},
		{[]string{"windows/amd64:10.0.17763.5329", "windows/amd64:10.0.26100.2033"}, "windows(10.0.26100)/amd64", "windows/amd64:10.0.26100.2033", 1},
		// Both builds run on a 26100 host. containerd's Only would keep index
		// order among them; a Windows host's runtime takes the
		// highest compatible os.version whatever the order.
		{[]string{"windows/amd64:10.0.26100.2033", "windows/amd64:10.0.20348.2113"}, "windows/amd64:10.0.26100", "windows/amd64:10.0.26100.2033", 0},
		{[]string{"windows/amd64:10.0.20348.2113", "windows/amd64:10.0.26100.2033"}, "windows/amd64:10.0.26100", "windows/amd64:10.0.26100.2033", 1},
		{[]string{"linux/amd64", "windows/amd64:10.0.17763.5329"}, "windows/amd64", "windows/amd64:10.0.17763.5329", 1},
		{[]string{"windows/amd64:10.0.17763.5329"}, "linux/amd64", "", -1},
	}
	for _, c := range cases {
		tr := listTree(t, c.list)
		host, err := ParsePlatform(c.host)
		if err != nil {
			t.Fatalf("ParsePlatform(%q): %v", c.host, err)
		}
		r, err := Resolve(tr, host)
		if err != nil {
			t.Fatalf("%s on %v: %v", c.host, c.list, err)
		}
		got, at := "", -1
		for i, e := range tr.Entries {
			if e == r.Entry {
				got, at = c.list[i], i
			}
		}
		if got != c.want || at != c.at {
			t.Errorf("host %s on %v: got %q (#%d), want %q (#%d)", c.host, c.list, got, at, c.want, c.at)
		}
		if spec, err := platforms.Parse(c.host); err == nil {
			if ref := referenceResolve(tr, spec); ref != c.at {
				t.Errorf("host %s on %v: the reference computation says #%d, the hand answer #%d", c.host, c.list, ref, c.at)
			}
		}
	}
}

func TestParsePlatformSyntaxes(t *testing.T) {
	cases := map[string]string{
		"linux/amd64":                   "linux/amd64",
		" linux/arm64/v8 ":              "linux/arm64",
		"linux/aarch64":                 "linux/arm64",
		"Linux/x86_64":                  "linux/amd64",
		"linux/arm":                     "linux/arm/v7",
		"linux/armhf":                   "linux/arm/v7",
		"linux/arm/v6":                  "linux/arm/v6",
		"linux/amd64/v3":                "linux/amd64/v3",
		"windows(10.0.20348)/amd64":     "windows/amd64:10.0.20348",
		"windows/amd64:10.0.20348":      "windows/amd64:10.0.20348",
		"windows/amd64:10.0.17763.5329": "windows/amd64:10.0.17763.5329",
	}
	for in, want := range cases {
		p, err := ParsePlatform(in)
		if err != nil {
			t.Errorf("ParsePlatform(%q): %v", in, err)
			continue
		}
		if p.String() != want {
			t.Errorf("ParsePlatform(%q) = %s, want %s", in, p, want)
		}
	}
	p, err := ParsePlatform("windows(10.0.17763+win32k)/amd64")
	if err != nil || p.OSVersion != "10.0.17763" || len(p.OSFeatures) != 1 || p.OSFeatures[0] != "win32k" {
		t.Errorf("os features: %+v, %v", p, err)
	}
}

func TestParsePlatformErrors(t *testing.T) {
	cases := map[string]string{
		"":                                 "empty platform",
		"   ":                              "empty platform",
		"linux":                            "give os/arch",
		"amd64":                            "give os/arch",
		"linux/amd64:":                     "empty os.version",
		"windows(10.0.20348)/amd64:10.0.1": "not both",
		"lin ux/amd64":                     "invalid",
		"linux/amd 64":                     "invalid",
		"linux/*":                          "wildcards",
		"linux/amd64/v3/x":                 "invalid",
		"windows(10%2F0)/amd64":            "os.version",
		"windows/amd64:10.0 1":             "os.version",
	}
	for in, want := range cases {
		_, err := ParsePlatform(in)
		if err == nil {
			t.Errorf("ParsePlatform(%q) succeeded", in)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParsePlatform(%q) = %v, want it to say %q", in, err, want)
		}
		if in != "" && strings.TrimSpace(in) != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("ParsePlatform(%q) error does not quote the input: %v", in, err)
		}
	}
}

func TestNoMatchErrorListsPlatforms(t *testing.T) {
	tr := listTree(t, []string{"linux/amd64", "att", "windows/amd64:10.0.20348.2113"})
	err := NoMatchError(tr, Platform{OS: "linux", Architecture: "riscv64"})
	if !strings.Contains(err.Error(), "linux/amd64, windows/amd64:10.0.20348.2113") || strings.Contains(err.Error(), "unknown") {
		t.Errorf("NoMatchError = %v", err)
	}
	if err := NoMatchError(listTree(t, nil), Platform{OS: "linux", Architecture: "amd64"}); !strings.Contains(err.Error(), "lists no platforms") {
		t.Errorf("empty: %v", err)
	}
}

// An entry whose descriptor has no platform is matched by its config, and,
// as containerd's images.Manifest sorts them, after every entry that
// declares one: listed first, it still loses to a declared linux/amd64
// entry, and wins only when nothing declared fits.
func TestResolveUndeclaredEntriesComeLast(t *testing.T) {
	tr := listTree(t, []string{"linux/arm64", "linux/amd64"})
	undeclared := &Entry{Descriptor: Descriptor{MediaType: MediaTypeOCIManifest, Digest: fxDigest([]byte("undeclared")), Size: 100},
		Image: &Image{Config: &Config{OS: "linux", Architecture: "amd64"}}}
	tr.Entries = append([]*Entry{undeclared}, tr.Entries...)
	host := Platform{OS: "linux", Architecture: "amd64"}
	r, err := Resolve(tr, host)
	if err != nil {
		t.Fatal(err)
	}
	if r.Entry != tr.Entries[2] {
		t.Fatalf("linux/amd64 pulls %s, want the declared linux/amd64 entry %s (the undeclared one comes last)", r.Digest, tr.Entries[2].Digest)
	}
	if len(r.Candidates) < 2 || r.Candidates[1].Entry != undeclared || !strings.Contains(r.Candidates[1].Reason, "matched by its config") {
		t.Fatalf("runner-up %+v, want the undeclared entry, matched by its config", r.Candidates[1])
	}
	// Without a declared match the undeclared entry is pulled.
	tr.Entries = tr.Entries[:2]
	if r, err := Resolve(tr, host); err != nil || r.Entry != undeclared {
		t.Fatalf("only the undeclared entry fits: got %+v, %v", r, err)
	}
}
