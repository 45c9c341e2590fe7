package main

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/model"
)

// End-to-end tests of the read-path commands (inspect, platforms, resolve,
// repos, tags) against a real registry (distribution v3, in-process, from
// internal/testregistry) holding fixtures pushed with go-containerregistry. Expected output is computed from the digests the
// pushes produced, never copied from a previous run.

// readEnv isolates a test (docker config, cache) and starts a real registry
// (distribution v3, in-process); it returns host:port.
func readEnv(t *testing.T) string {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	userdirs.SetCache(t, t.TempDir())
	userdirs.SetConfig(t, t.TempDir())
	for _, k := range []string{"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TTY_FORCE", "MANIFOLD_INSECURE_REGISTRIES"} {
		t.Setenv(k, "")
	}
	return testregistry.Start(t, testregistry.Options{}).Host
}

// runCLI runs manifold and returns its exit status, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runCLI(args...)
	if code != 0 {
		t.Fatalf("manifold %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// fxImage is an image whose config declares p, in Docker or OCI types.
func fxImage(t *testing.T, p v1.Platform, oci bool) v1.Image {
	t.Helper()
	img, err := random.Image(300, 2)
	if err != nil {
		t.Fatal(err)
	}
	if oci {
		img = mutate.MediaType(img, types.OCIManifestSchema1)
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.OSVersion = p.OS, p.Architecture, p.Variant, p.OSVersion
	cf.Config.Entrypoint = []string{"/bin/app"}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func digestOf(t *testing.T, d interface{ Digest() (v1.Hash, error) }) string {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

// fxIndex is a pushed multi-platform fixture.
type fxIndex struct {
	ref, repo, digest string
	// platforms and digests of the entries in index order; "" platform for
	// attestations.
	plats   []string
	digests []string
	attFor  map[string]string // attestation digest → image digest
	raw     []byte
}

type fxEntry struct {
	noPlat   bool        // the descriptor has no platform
	plat     v1.Platform // declared in the index
	cfg      *v1.Platform
	attestOf int // index of the entry it attests, or -1
}

// pushIndex pushes an index (OCI, or a Docker list when docker) of entries.
func pushIndex(t *testing.T, ref string, docker bool, ann map[string]string, entries ...fxEntry) *fxIndex {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	var idx v1.ImageIndex = empty.Index
	if docker {
		idx = mutate.IndexMediaType(idx, types.DockerManifestList)
	} else {
		idx = mutate.IndexMediaType(idx, types.OCIImageIndex)
	}
	if ann != nil {
		idx = mutate.Annotations(idx, ann).(v1.ImageIndex)
	}
	fx := &fxIndex{ref: ref, repo: r.Context().Name(), attFor: map[string]string{}}
	for _, e := range entries {
		var img v1.Image
		desc := v1.Descriptor{Platform: &e.plat}
		if e.noPlat {
			desc.Platform = nil
		}
		if e.attestOf >= 0 {
			img = fxImage(t, v1.Platform{OS: "unknown", Architecture: "unknown"}, true)
			img = mutate.ConfigMediaType(img, "application/vnd.in-toto+json")
			target := fx.digests[e.attestOf]
			desc.Annotations = map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: target}
			fx.attFor[digestOf(t, img)] = target
			fx.plats = append(fx.plats, "")
		} else {
			cfg := e.plat
			if e.cfg != nil {
				cfg = *e.cfg
			}
			img = fxImage(t, cfg, !docker)
			fx.plats = append(fx.plats, model.Platform{OS: e.plat.OS, Architecture: e.plat.Architecture, Variant: e.plat.Variant, OSVersion: e.plat.OSVersion}.String())
		}
		fx.digests = append(fx.digests, digestOf(t, img))
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: desc})
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	fx.digest = digestOf(t, idx)
	fx.raw, err = idx.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

func p(os, arch, variant, osv string) v1.Platform {
	return v1.Platform{OS: os, Architecture: arch, Variant: variant, OSVersion: osv}
}

func img(pl v1.Platform) fxEntry          { return fxEntry{plat: pl, attestOf: -1} }
func attestationOf(i int) fxEntry         { return fxEntry{plat: p("unknown", "unknown", "", ""), attestOf: i} }
func lying(decl, cfg v1.Platform) fxEntry { return fxEntry{plat: decl, cfg: &cfg, attestOf: -1} }

// standardIndex is the OCI index most tests read: arm variants, Windows
// builds and attestations.
func standardIndex(t *testing.T, host string) *fxIndex {
	return pushIndex(t, host+"/app:v1", false, map[string]string{"org.opencontainers.image.source": "https://example.com/app"},
		img(p("linux", "amd64", "", "")), attestationOf(0),
		img(p("linux", "arm", "v6", "")),
		img(p("linux", "arm", "v7", "")), attestationOf(3),
		img(p("linux", "arm64", "v8", "")),
		img(p("windows", "amd64", "", "10.0.17763.5329")),
		img(p("windows", "amd64", "", "10.0.20348.2113")),
	)
}

func TestInspectJSON(t *testing.T) {
	host := readEnv(t)
	fx := standardIndex(t, host)
	for _, all := range []bool{false, true} {
		args := []string{"inspect", fx.ref, "-o", "json"}
		if all {
			args = append(args, "--all")
		}
		out := mustRun(t, args...)
		var v model.JSONView
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("inspect -o json is not JSON: %v\n%s", err, out)
		}
		// The keys the issue names are all present.
		var generic map[string]any
		_ = json.Unmarshal([]byte(out), &generic)
		for _, k := range []string{"reference", "digest", "mediaType", "annotations", "manifests"} {
			if _, ok := generic[k]; !ok {
				t.Errorf("top-level key %q missing", k)
			}
		}
		if v.Reference != fx.ref || v.Digest != fx.digest || v.MediaType != string(types.OCIImageIndex) || v.Annotations["org.opencontainers.image.source"] != "https://example.com/app" {
			t.Errorf("top level = %+v", v)
		}
		if len(v.Manifests) != len(fx.digests) {
			t.Fatalf("%d manifests, want %d", len(v.Manifests), len(fx.digests))
		}
		for i, m := range v.Manifests {
			if m.Digest != fx.digests[i] {
				t.Errorf("manifests[%d].digest = %s, want %s (index order)", i, m.Digest, fx.digests[i])
			}
			if target, isAtt := fx.attFor[m.Digest]; isAtt {
				if m.AttestationFor == nil || *m.AttestationFor != target || m.Platform != "unknown/unknown" {
					t.Errorf("attestation %d = %+v", i, m)
				}
			} else {
				if m.AttestationFor != nil || m.Platform != fx.plats[i] {
					t.Errorf("manifests[%d] platform %q attestationFor %v, want %q", i, m.Platform, m.AttestationFor, fx.plats[i])
				}
			}
			if m.Size <= 0 || m.MediaType != string(types.OCIManifestSchema1) || m.Annotations == nil {
				t.Errorf("manifests[%d] = %+v", i, m)
			}
			if all {
				if m.Manifest == nil || len(m.Manifest.Layers) != 2 || m.Manifest.TotalSize <= 600 {
					t.Errorf("--all manifests[%d].manifest = %+v", i, m.Manifest)
				}
				_, isAtt := fx.attFor[m.Digest]
				if !isAtt && (m.Config == nil || m.Config.Platform().String() != fx.plats[i] || m.Config.Entrypoint[0] != "/bin/app") {
					t.Errorf("--all manifests[%d].config = %+v", i, m.Config)
				}
			} else if m.Manifest != nil || m.Config != nil {
				t.Errorf("without --all manifests[%d] has manifest/config", i)
			}
		}
		// The image entries list their attestations.
		if got := v.Manifests[0].Attestations; len(got) != 1 || got[0] != fx.digests[1] {
			t.Errorf("amd64 attestations = %v, want [%s]", got, fx.digests[1])
		}
	}
}

func TestInspectRawIsTheRegistrysBytes(t *testing.T) {
	host := readEnv(t)
	fx := standardIndex(t, host)
	out := mustRun(t, "inspect", fx.ref, "-o", "raw")
	if out != string(fx.raw) {
		t.Errorf("raw output differs from the pushed bytes:\n%s\n%s", out, fx.raw)
	}
	sum := sha256.Sum256([]byte(out))
	if "sha256:"+hex.EncodeToString(sum[:]) != fx.digest {
		t.Error("raw output does not hash to the index digest")
	}
}

func TestInspectTable(t *testing.T) {
	host := readEnv(t)
	fx := standardIndex(t, host)
	out := mustRun(t, "inspect", fx.ref, "--all")
	if strings.Contains(out, "\x1b") {
		t.Errorf("piped table output has escape codes:\n%q", out)
	}
	for _, want := range []string{"Reference    " + fx.ref, "Digest       " + fx.digest, "OCI index", "org.opencontainers.image.source=https://example.com/app"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	_, body, ok := strings.Cut(out, "\n\n")
	if !ok {
		t.Fatalf("no entry table:\n%s", out)
	}
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	if len(lines) != len(fx.digests)+1 || !strings.HasPrefix(lines[0], "PLATFORM") {
		t.Fatalf("table has %d lines, want header + %d:\n%s", len(lines), len(fx.digests), body)
	}
	col := strings.Index(lines[0], "DIGEST")
	for i, l := range lines[1:] {
		if strings.Index(l, "sha256:") != col || !strings.HasPrefix(l[col:], fx.digests[i]) {
			t.Errorf("row %d: digest not in the DIGEST column (%d):\n%s", i, col, l)
		}
		if target, isAtt := fx.attFor[fx.digests[i]]; isAtt {
			var of string
			for j, d := range fx.digests {
				if d == target {
					of = fx.plats[j]
				}
			}
			if !strings.Contains(l, "attestation of "+of) {
				t.Errorf("row %d: attestation not named: %s", i, l)
			}
		} else if !strings.HasPrefix(l, fx.plats[i]+" ") {
			t.Errorf("row %d: want platform %s first: %s", i, fx.plats[i], l)
		}
	}

	// Colour only on a terminal, never with NO_COLOR.
	t.Setenv("TTY_FORCE", "1")
	t.Setenv("TERM", "xterm-256color")
	if coloured := mustRun(t, "inspect", fx.ref); !strings.Contains(coloured, "\x1b[") {
		t.Error("no colour on a (forced) terminal")
	}
	t.Setenv("NO_COLOR", "1")
	noColour := mustRun(t, "inspect", fx.ref)
	for _, sgr := range []string{"\x1b[3", "\x1b[9", "38;", ";3"} {
		if strings.Contains(noColour, sgr) {
			t.Errorf("NO_COLOR output has colour %q:\n%q", sgr, noColour)
		}
	}
}

func TestPlatformsSummary(t *testing.T) {
	host := readEnv(t)
	fx := standardIndex(t, host)
	want := fmt.Sprintf(`Image: %s (digest: %s)
 * Manifest List: Yes (Image type: application/vnd.oci.image.index.v1+json)
 * Supported platforms:
`, fx.ref, fx.digest)
	for _, pl := range fx.plats {
		if pl != "" {
			want += "   - " + pl + "\n"
		}
	}
	want += fmt.Sprintf(" * Attestations: %d (not listed)\n", len(fx.attFor))
	if got := mustRun(t, "platforms", fx.ref); got != want {
		t.Errorf("platforms:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(want, "   - windows/amd64:10.0.20348.2113\n") || !strings.Contains(want, "   - linux/arm/v6\n") {
		t.Fatalf("fixture lost its platforms: %s", want)
	}

	// A single-platform image: its platform comes from its config.
	single := fxImage(t, p("linux", "arm", "v7", ""), false)
	ref := host + "/single:1"
	if err := remote.Write(mustParse(t, ref), single); err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf(`Image: %s (digest: %s)
 * Manifest List: No (Image type: application/vnd.docker.distribution.manifest.v2+json)
 * Supported platforms:
   - linux/arm/v7
`, ref, digestOf(t, single))
	if got := mustRun(t, "platforms", ref); got != want {
		t.Errorf("platforms of a single image:\n%s\nwant:\n%s", got, want)
	}
}

func mustParse(t *testing.T, ref string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestResolve(t *testing.T) {
	host := readEnv(t)
	fx := standardIndex(t, host)
	digestFor := func(pl string) string {
		for i, x := range fx.plats {
			if x == pl {
				return fx.digests[i]
			}
		}
		t.Fatalf("fixture has no %s", pl)
		return ""
	}
	cases := map[string]string{
		"linux/arm/v8":              "linux/arm/v7",
		"linux/arm/v7":              "linux/arm/v7",
		"linux/arm/v6":              "linux/arm/v6",
		"linux/arm64":               "linux/arm64/v8",
		"linux/amd64/v3":            "linux/amd64",
		"windows(10.0.26100)/amd64": "windows/amd64:10.0.20348.2113",
		"windows/amd64:10.0.26100":  "windows/amd64:10.0.20348.2113",
		"windows/amd64:10.0.17763":  "windows/amd64:10.0.17763.5329",
	}
	for hostPlat, want := range cases {
		out := mustRun(t, "resolve", fx.ref, "--platform", hostPlat)
		if out != fx.repo+"@"+digestFor(want)+"\n" {
			t.Errorf("resolve --platform %s = %q, want %s@%s (%s)", hostPlat, out, fx.repo, digestFor(want), want)
		}
	}
	out := mustRun(t, "resolve", fx.ref, "--platform", "linux/arm/v8", "-o", "json")
	var r resolveJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	d := digestFor("linux/arm/v7")
	cands := r.Candidates
	r.Candidates, r.Why = nil, ""
	if r.OCIPlatform == nil || r.OCIPlatform.Variant != "v7" || r.OCIHost == nil || r.OCIHost.Variant != "v8" {
		t.Errorf("resolve -o json platform objects: %+v %+v", r.OCIPlatform, r.OCIHost)
	}
	r.OCIPlatform, r.OCIHost = nil, nil
	if !reflect.DeepEqual(r, resolveJSON{Reference: fx.repo + "@" + d, Digest: d, MediaType: string(types.OCIManifestSchema1), Platform: "linux/arm/v7", Host: "linux/arm/v8", HostOSFeatures: []string{}, Rule: model.RuleARMFallback}) {
		t.Errorf("resolve -o json = %+v", r)
	}
	// Ranked: v7 then v6 (both run, the fallback order), then the entries
	// it cannot run; attestations are no candidates.
	if len(cands) != 6 || cands[0].Digest != d || cands[1].Platform != "linux/arm/v6" || !cands[1].Match || cands[2].Match {
		t.Errorf("candidates %+v", cands)
	}

	// No match: exit 1, nothing on stdout, the platforms there are on stderr.
	code, out, errs := runCLI("resolve", fx.ref, "--platform", "linux/riscv64")
	if code != 1 || out != "" || !strings.Contains(errs, "linux/riscv64") || !strings.Contains(errs, "linux/arm/v6, linux/arm/v7") || strings.Contains(errs, "unknown/unknown") {
		t.Errorf("no match: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = runCLI("resolve", fx.ref, "--platform", "windows/amd64:10.0.14393")
	if code != 1 || !strings.Contains(errs, "windows/amd64:10.0.20348.2113") {
		t.Errorf("old windows host: exit %d, stderr %q", code, errs)
	}
	// Bad host strings are clear errors, before any request.
	for _, bad := range []string{"linux", "linux/amd64:", "lin ux/amd64", "linux/arm/v77777777"} {
		code, _, errs := runCLI("resolve", fx.ref, "--platform", bad)
		if code != 1 || !strings.Contains(errs, "platform") {
			t.Errorf("--platform %q: exit %d, stderr %q", bad, code, errs)
		}
	}
	if code, _, errs := runCLI("resolve", fx.ref, "--platform", "linux/amd64", "-o", "yaml"); code != 1 || !strings.Contains(errs, "text, json") {
		t.Errorf("-o yaml: exit %d, %q", code, errs)
	}
}

func TestDockerListNestedMissingAndMismatch(t *testing.T) {
	host := readEnv(t)
	// A Docker list whose arm64 entry's config says amd64.
	dl := pushIndex(t, host+"/legacy:1", true, nil,
		img(p("linux", "amd64", "", "")),
		lying(p("linux", "arm64", "", ""), p("linux", "amd64", "", "")))
	out := mustRun(t, "inspect", dl.ref, "--all", "-o", "json")
	var v model.JSONView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.MediaType != string(types.DockerManifestList) || v.Manifests[0].MediaType != string(types.DockerManifestSchema2) {
		t.Errorf("docker list types: %s / %s", v.MediaType, v.Manifests[0].MediaType)
	}
	if v.Manifests[0].PlatformMismatch != "" || !strings.Contains(v.Manifests[1].PlatformMismatch, "exec format error") {
		t.Errorf("mismatch flags: %q / %q", v.Manifests[0].PlatformMismatch, v.Manifests[1].PlatformMismatch)
	}
	table := mustRun(t, "inspect", dl.ref, "--all")
	if !strings.Contains(table, "Docker list") || !strings.Contains(table, "platform mismatch") {
		t.Errorf("table:\n%s", table)
	}

	// An index nesting another index, with one child deleted.
	inner := pushIndex(t, host+"/nested:inner", false, nil, img(p("linux", "s390x", "", "")), img(p("linux", "ppc64le", "", "")))
	innerIdx, err := remote.Index(mustParse(t, inner.ref))
	if err != nil {
		t.Fatal(err)
	}
	amd := fxImage(t, p("linux", "amd64", "", ""), true)
	outer := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex),
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: innerIdx})
	outerRef := host + "/nested:outer"
	if err := remote.WriteIndex(mustParse(t, outerRef), outer); err != nil {
		t.Fatal(err)
	}
	if err := remote.Delete(mustParse(t, host+"/nested@"+inner.digests[1])); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "inspect", outerRef, "--all", "-o", "json")
	v = model.JSONView{}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Manifests) != 2 || len(v.Manifests[1].Manifests) != 2 {
		t.Fatalf("nested shape: %s", out)
	}
	kids := v.Manifests[1].Manifests
	if kids[0].Digest != inner.digests[0] || kids[0].Config == nil || kids[0].Missing {
		t.Errorf("nested child 0 = %+v", kids[0])
	}
	if kids[1].Digest != inner.digests[1] || !kids[1].Missing || kids[1].Manifest != nil {
		t.Errorf("deleted nested child = %+v", kids[1])
	}
	if got := mustRun(t, "resolve", outerRef, "--platform", "linux/s390x"); got != host+"/nested@"+inner.digests[0]+"\n" {
		t.Errorf("resolve into a nested index = %q", got)
	}
	table = mustRun(t, "inspect", outerRef, "--all")
	if !strings.Contains(table, "missing (404)") || !strings.Contains(table, "  linux/s390x") {
		t.Errorf("table of nested/missing:\n%s", table)
	}
}

func TestInspectSingleImage(t *testing.T) {
	host := readEnv(t)
	single := fxImage(t, p("linux", "arm64", "", ""), true)
	ref := host + "/single:oci"
	if err := remote.Write(mustParse(t, ref), single); err != nil {
		t.Fatal(err)
	}
	var v model.JSONView
	if err := json.Unmarshal([]byte(mustRun(t, "inspect", ref, "-o", "json", "--all")), &v); err != nil {
		t.Fatal(err)
	}
	if v.Digest != digestOf(t, single) || v.Platform != "linux/arm64" || len(v.Manifests) != 0 || v.Manifest == nil || v.Config == nil || len(v.Manifest.Layers) != 2 {
		t.Errorf("single image JSON = %+v", v)
	}
	table := mustRun(t, "inspect", ref, "--all")
	for _, want := range []string{"Platform     linux/arm64", "Entrypoint   /bin/app", "LAYERS", "in 2 layers"} {
		if !strings.Contains(table, want) {
			t.Errorf("single image table lacks %q:\n%s", want, table)
		}
	}
	if got := mustRun(t, "resolve", ref, "--platform", "linux/arm64/v8"); got != host+"/single@"+digestOf(t, single)+"\n" {
		t.Errorf("resolve single = %q", got)
	}
	if code, _, errs := runCLI("resolve", ref, "--platform", "linux/amd64"); code != 1 || !strings.Contains(errs, "available: linux/arm64") {
		t.Errorf("resolve single, no match: %d %q", code, errs)
	}
}

func TestRegistryStringsAreEscaped(t *testing.T) {
	host := readEnv(t)
	evil := "ok\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202etxt.exe"
	fx := pushIndex(t, host+"/evil:1", false, map[string]string{"title": evil}, img(p("linux", "amd64", "", "")))
	table := mustRun(t, "inspect", fx.ref)
	if strings.ContainsAny(table, "\x1b\x07\u202e") {
		t.Errorf("table passes control characters through: %q", table)
	}
	if !strings.Contains(table, `title=ok\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202etxt.exe`) {
		t.Errorf("escaped annotation not shown: %q", table)
	}
	js := mustRun(t, "inspect", fx.ref, "-o", "json")
	if strings.ContainsAny(js, "\x1b\x07\u202e") {
		t.Errorf("JSON passes control characters through: %q", js)
	}
	var v model.JSONView
	if err := json.Unmarshal([]byte(js), &v); err != nil || v.Annotations["title"] != evil {
		t.Errorf("JSON does not keep the exact string: %q, %v", v.Annotations["title"], err)
	}
}

func TestReposAndTags(t *testing.T) {
	host := readEnv(t)
	tags := []string{"v1.10.0", "latest", "v1.2.0", "1.9", "v1.2.0-rc.1", "main", "v1.2"}
	for _, tag := range tags {
		if err := remote.Write(mustParse(t, host+"/app:"+tag), fxImage(t, p("linux", "amd64", "", ""), true)); err != nil {
			t.Fatal(err)
		}
	}
	for _, repo := range []string{"zeta/svc", "alpha"} {
		if err := remote.Write(mustParse(t, host+"/"+repo+":1"), fxImage(t, p("linux", "amd64", "", ""), true)); err != nil {
			t.Fatal(err)
		}
	}
	// distribution serves the catalog and tag lists sorted by name; the
	// default is the registry's order.
	if repos := mustRun(t, "repos", host); repos != "alpha\napp\nzeta/svc\n" {
		t.Errorf("repos = %q", repos)
	}
	if got := mustRun(t, "tags", host+"/app"); got != "1.9\nlatest\nmain\nv1.10.0\nv1.2\nv1.2.0\nv1.2.0-rc.1\n" {
		t.Errorf("tags = %q", got)
	}
	if got := mustRun(t, "tags", host+"/app", "--sort", "name"); got != "1.9\nlatest\nmain\nv1.10.0\nv1.2\nv1.2.0\nv1.2.0-rc.1\n" {
		t.Errorf("tags --sort name = %q", got)
	}
	// Newest first, the browser's order; "semver" is the old name.
	for _, by := range []string{"version", "semver"} {
		if got := mustRun(t, "tags", host+"/app", "--sort", by); got != "v1.10.0\n1.9\nv1.2.0\nv1.2.0-rc.1\nv1.2\nlatest\nmain\n" {
			t.Errorf("tags --sort %s = %q", by, got)
		}
	}
	if code, _, errs := runCLI("tags", host+"/app", "--sort", "date"); code != 1 || !strings.Contains(errs, "version") {
		t.Errorf("--sort date: %d %q", code, errs)
	}
	if code, out, errs := runCLI("tags", host+"/nope"); code != 1 || out != "" || !strings.Contains(errs, host+"/nope") {
		t.Errorf("tags of a missing repo: %d %q %q", code, out, errs)
	}
}

func TestReadErrors(t *testing.T) {
	host := readEnv(t)
	for _, args := range [][]string{
		{"inspect", host + "/nope:1"},
		{"platforms", host + "/nope:1"},
		{"resolve", host + "/nope:1", "--platform", "linux/amd64"},
		{"inspect", "UPPER/case:1"},
	} {
		code, out, errs := runCLI(args...)
		if code != 1 || out != "" || !strings.HasPrefix(errs, "manifold: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	if code, _, errs := runCLI("inspect", host+"/nope:1", "-o", "xml"); code != 1 || !strings.Contains(errs, "table, json, raw") {
		t.Errorf("-o xml: %d %q", code, errs)
	}
}

func TestReadCommandsHaveHelpWithExamples(t *testing.T) {
	for _, c := range []string{"inspect", "platforms", "resolve", "repos", "tags"} {
		out := mustRun(t, c, "--help")
		if !strings.Contains(out, "Examples:") || !strings.Contains(out, "manifold "+c+" ") {
			t.Errorf("%s --help has no examples:\n%s", c, out)
		}
	}
}

func TestEntryWithoutPlatform(t *testing.T) {
	host := readEnv(t)
	fx := pushIndex(t, host+"/noplat:1", false, nil,
		img(p("linux", "amd64", "", "")),
		fxEntry{noPlat: true, plat: p("linux", "riscv64", "", ""), attestOf: -1})
	var v model.JSONView
	if err := json.Unmarshal([]byte(mustRun(t, "inspect", fx.ref, "-o", "json")), &v); err != nil {
		t.Fatal(err)
	}
	if v.Manifests[1].Platform != "" {
		t.Fatalf("fixture entry has a platform: %+v", v.Manifests[1])
	}
	// platforms and resolve read its platform from its config.
	if got := mustRun(t, "platforms", fx.ref); !strings.Contains(got, "   - linux/amd64\n   - linux/riscv64\n") {
		t.Errorf("platforms:\n%s", got)
	}
	if got := mustRun(t, "resolve", fx.ref, "-p", "linux/riscv64"); got != fx.repo+"@"+fx.digests[1]+"\n" {
		t.Errorf("resolve riscv64 = %q", got)
	}
}

// pagedRegistry serves tag lists and the catalog in pages of size names with
// a Link header (ignoring n, as distribution 2.8 does for tags). Before it
// serves page k > 1 it waits until the client has printed the names of the
// pages before: that proves the CLI streams page by page.
type pagedRegistry struct {
	inner http.Handler
	size  int
	out   *lineCounter
	t     *testing.T
}

func (p *pagedRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	field := ""
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v2/_catalog":
		field = "repositories"
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tags/list"):
		field = "tags"
	default:
		p.inner.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	in := r.Clone(r.Context())
	in.URL.RawQuery = "n=1000" // everything, in one inner page
	p.inner.ServeHTTP(rec, in)
	var body map[string]json.RawMessage
	var names []string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || json.Unmarshal(body[field], &names) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	sort.Strings(names)
	start := 0
	if last := r.URL.Query().Get("last"); last != "" {
		start = sort.SearchStrings(names, last) + 1
		if !p.out.await(start, 5*time.Second) {
			p.t.Errorf("page after %q requested before the %d names before it were printed (%d were)", last, start, p.out.lines())
		}
	}
	end := min(start+p.size, len(names))
	body[field], _ = json.Marshal(names[start:end])
	if end < len(names) {
		w.Header().Set("Link", fmt.Sprintf(`<%s?last=%s>; rel="next"`, r.URL.Path, names[end-1]))
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// lineCounter is an io.Writer that counts the lines written so far.
type lineCounter struct {
	mu  sync.Mutex
	buf bytes.Buffer
	// wrote is closed (and replaced) on every write, for await.
	wrote chan struct{}
}

func (c *lineCounter) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wrote != nil {
		close(c.wrote)
		c.wrote = nil
	}
	return c.buf.Write(b)
}

// await waits until n lines were written, or timeout; it reports whether
// they were.
func (c *lineCounter) await(n int, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		if bytes.Count(c.buf.Bytes(), []byte("\n")) >= n {
			c.mu.Unlock()
			return true
		}
		if c.wrote == nil {
			c.wrote = make(chan struct{})
		}
		wrote := c.wrote
		c.mu.Unlock()
		select {
		case <-wrote:
		case <-deadline.C:
			return false
		}
	}
}

func (c *lineCounter) lines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Count(c.buf.Bytes(), []byte("\n"))
}

func TestTagsAndReposStreamPageByPage(t *testing.T) {
	readEnv(t)
	out := &lineCounter{}
	reg := testregistry.Start(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return &pagedRegistry{inner: next, size: 100, out: out, t: t}
	}})
	host := reg.Host

	base := fxImage(t, p("linux", "amd64", "", ""), true)
	repo := host + "/many"
	if err := remote.Write(mustParse(t, repo+":seed"), base); err != nil {
		t.Fatal(err)
	}
	want := []string{"seed"}
	for i := range 249 {
		tag := fmt.Sprintf("t%03d", i)
		if err := remote.Tag(mustParse(t, repo+":"+tag).(name.Tag), base); err != nil {
			t.Fatal(err)
		}
		want = append(want, tag)
	}
	sort.Strings(want)
	var errb bytes.Buffer
	if code := run([]string{"tags", repo}, out, &errb); code != 0 {
		t.Fatalf("tags: exit %d: %s", code, errb.String())
	}
	if got := out.buf.String(); got != strings.Join(want, "\n")+"\n" {
		t.Errorf("tags over 3 pages: got %d lines, want %d", strings.Count(got, "\n"), len(want))
	}

	var repos []string
	for i := range 120 {
		r := fmt.Sprintf("%s/r%03d", host, i)
		if err := remote.Write(mustParse(t, r+":1"), base); err != nil {
			t.Fatal(err)
		}
		repos = append(repos, fmt.Sprintf("r%03d", i))
	}
	repos = append(repos, "many")
	sort.Strings(repos)
	out.buf.Reset()
	if code := run([]string{"repos", host}, out, &errb); code != 0 {
		t.Fatalf("repos: exit %d: %s", code, errb.String())
	}
	if got := out.buf.String(); got != strings.Join(repos, "\n")+"\n" {
		t.Errorf("repos over 2 pages: %d lines, want %d", strings.Count(got, "\n"), len(repos))
	}
}

func TestReadOverTLSWithBasicAuth(t *testing.T) {
	readEnv(t)
	reg := testregistry.Start(t, testregistry.Options{TLS: true, Htpasswd: map[string]string{"ann": "s3cret"}})
	ref := reg.Ref("secure/app:1")
	pushOpts := []remote.Option{remote.WithTransport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: reg.CertPool}}),
		remote.WithAuth(&authn.Basic{Username: "ann", Password: "s3cret"})}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex),
		mutate.IndexAddendum{Add: fxImage(t, p("linux", "arm64", "", ""), true), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}})
	if err := remote.WriteIndex(r, idx, pushOpts...); err != nil {
		t.Fatal(err)
	}

	// No credentials: a clear failure naming the reference.
	code, out, errs := runCLI("platforms", ref, "--ca-file", reg.CAFile)
	if code != 1 || out != "" || !strings.Contains(errs, "secure/app") {
		t.Errorf("without credentials: exit %d, %q, %q", code, out, errs)
	}
	t.Setenv("DOCKER_CONFIG", reg.DockerConfig(t, "ann", "s3cret"))
	// The test CA is not trusted without --ca-file.
	if code, _, errs := runCLI("platforms", ref); code != 1 || !strings.Contains(errs, "certificate") {
		t.Errorf("untrusted CA: exit %d, %q", code, errs)
	}
	got := mustRun(t, "platforms", ref, "--ca-file", reg.CAFile)
	if !strings.Contains(got, "Manifest List: Yes") || !strings.Contains(got, "   - linux/arm64\n") {
		t.Errorf("platforms over TLS with auth:\n%s", got)
	}
	d := digestOf(t, idx)
	if out := mustRun(t, "inspect", ref, "--ca-file", reg.CAFile, "-o", "raw"); fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(out))) != d {
		t.Error("raw over TLS does not hash to the index digest")
	}
}

func TestReposWithoutCatalog(t *testing.T) {
	readEnv(t)
	reg := testregistry.Start(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/_catalog" { // as Docker Hub and GHCR answer
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"errors":[{"code":"NOT_FOUND","message":"not found"}]}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	if err := remote.Write(mustParse(t, reg.Ref("app:1")), fxImage(t, p("linux", "amd64", "", ""), true)); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("repos", reg.Host)
	if code != 1 || out != "" || !strings.Contains(errs, "does not list its repositories") || !strings.Contains(errs, reg.Host) {
		t.Errorf("repos without _catalog: exit %d, %q, %q", code, out, errs)
	}
	// A repository can still be opened by name.
	if got := mustRun(t, "tags", reg.Ref("app")); got != "1\n" {
		t.Errorf("tags = %q", got)
	}
}

// TestLyingRegistryCLI: a registry (or a proxy) that alters a manifest's
// bytes. Every read command fails with exit 1, naming both digests on stderr
// and printing none of the altered data; a child altered under an honest
// index becomes a marked entry, and the rest of the tree still prints.
func TestLyingRegistryCLI(t *testing.T) {
	readEnv(t)
	const secret = "INJECTED-BY-PROXY"
	var lieAbout sync.Map // URL path suffix → true
	reg := testregistry.Start(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lie := false
			lieAbout.Range(func(k, _ any) bool {
				lie = lie || strings.HasSuffix(r.URL.Path, k.(string))
				return !lie
			})
			if !lie || r.Method != http.MethodGet {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := bytes.Replace(rec.Body.Bytes(), []byte("{"), []byte(`{"x":"`+secret+`",`), 1)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}})
	fx := standardIndex(t, reg.Host)

	// The index itself, fetched by tag: it must hash to Docker-Content-Digest.
	lieAbout.Store("/manifests/v1", true)
	for _, args := range [][]string{
		{"inspect", fx.ref},
		{"inspect", fx.ref, "-o", "raw"},
		{"inspect", fx.ref, "-o", "json"},
		{"platforms", fx.ref},
		{"resolve", fx.ref, "--platform", "linux/amd64"},
	} {
		code, out, errs := runCLI(args...)
		if code != 1 || out != "" {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
		if !strings.Contains(errs, "digest mismatch") || !strings.Contains(errs, fx.digest) || strings.Count(errs, "sha256:") < 2 {
			t.Errorf("%v: stderr does not name both digests: %q", args, errs)
		}
		if strings.Contains(out+errs, secret) {
			t.Errorf("%v: shows the altered data: %q %q", args, out, errs)
		}
	}
	// By digest: the digest asked for is the reference.
	code, out, errs := runCLI("inspect", fx.repo+"@"+fx.digest, "-o", "raw")
	lieAbout.Delete("/manifests/v1")
	if code != 0 { // the digest path was not altered: it must pass through intact
		t.Errorf("by digest, unaltered: exit %d %q", code, errs)
	} else if fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(out))) != fx.digest {
		t.Error("raw by digest does not hash to its digest")
	}
	userdirs.SetCache(t, t.TempDir()) // the unaltered bytes are cached by digest
	lieAbout.Store("/manifests/"+fx.digest, true)
	code, out, errs = runCLI("inspect", fx.repo+"@"+fx.digest, "-o", "raw")
	if code != 1 || out != "" || !strings.Contains(errs, fx.digest) || strings.Contains(errs, secret) {
		t.Errorf("altered by digest: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	lieAbout.Delete("/manifests/" + fx.digest)

	// One child altered: the rest of the tree loads, that entry is marked.
	bad := fx.digests[2] // linux/arm/v6
	lieAbout.Store("/manifests/"+bad, true)
	out = mustRun(t, "inspect", fx.ref, "--all", "-o", "json")
	if strings.Contains(out, secret) {
		t.Fatalf("json shows the altered child:\n%s", out)
	}
	var v model.JSONView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	for i, m := range v.Manifests {
		switch {
		case m.Digest != fx.digests[i]:
			t.Errorf("entry %d: digest %s, want %s", i, m.Digest, fx.digests[i])
		case i == 2 && (m.Manifest != nil || m.Config != nil || !strings.Contains(m.Error, "digest mismatch")):
			t.Errorf("altered child: manifest %v, config %v, error %q", m.Manifest != nil, m.Config != nil, m.Error)
		case i != 2 && (m.Manifest == nil || m.Config == nil && fx.plats[i] != "" || m.Error != ""):
			t.Errorf("entry %d (%s) did not load: error %q", i, fx.plats[i], m.Error)
		}
	}
	table := mustRun(t, "inspect", fx.ref, "--all")
	if strings.Contains(table, secret) || !strings.Contains(table, "digest mismatch") {
		t.Errorf("table with an altered child:\n%s", table)
	}
}

// TestInspectLeavesTheCacheWritten: fetches do not wait for their disk
// cache writes, so manifold writes them before it exits. Right after the
// run, every manifest of the tree is on disk (as a next run would need it).
// (Wide enough that, without the flush, the writes are still going on.)
func TestInspectLeavesTheCacheWritten(t *testing.T) {
	host := readEnv(t)
	var entries []fxEntry
	for i := range 48 {
		entries = append(entries, img(p("linux", fmt.Sprintf("arch%d", i), "", "")))
	}
	fx := pushIndex(t, host+"/wide:v1", false, nil, entries...)
	mustRun(t, "inspect", fx.ref, "--all", "-o", "json")
	dir, err := userdirs.Cache()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append([]string{fx.digest}, fx.digests...) {
		hexPart := strings.TrimPrefix(d, "sha256:")
		if _, err := os.Stat(filepath.Join(dir, "blobs", "sha256", hexPart)); err != nil {
			t.Errorf("manifest %s not in the cache when manifold exited: %v", d, err)
		}
	}
}
