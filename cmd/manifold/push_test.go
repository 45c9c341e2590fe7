package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/model"
)

// editEnv isolates a test: its own data dir, cache and docker config, and
// a distribution registry. It returns the registry's host:port.
func editEnv(t *testing.T) string {
	t.Helper()
	t.Setenv(stagestore.EnvDataDir, t.TempDir())
	userdirs.SetCache(t, t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	// No terminal, whatever runs the tests: confirmations answer no.
	oldIn, oldTTY := editStdin, editIsTTY
	editStdin, editIsTTY = strings.NewReader(""), func() bool { return false }
	t.Cleanup(func() { editStdin, editIsTTY = oldIn, oldTTY })
	return startEditRegistry(t)
}

// startEditRegistry starts a real distribution registry in-process.
func startEditRegistry(t *testing.T) string {
	t.Helper()
	return testregistry.Start(t, testregistry.Options{}).Host
}

// mf runs manifold and returns its exit status, stdout and stderr.
func mf(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// mustMF runs manifold and fails the test unless it exits 0.
func mustMF(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := mf(t, args...)
	if code != 0 {
		t.Fatalf("manifold %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// fakeTerminal makes confirmations read answer, as if typed on a terminal.
func fakeTerminal(t *testing.T, answer string) {
	t.Helper()
	oldIn, oldTTY := editStdin, editIsTTY
	editStdin = strings.NewReader(answer)
	editIsTTY = func() bool { return true }
	t.Cleanup(func() { editStdin, editIsTTY = oldIn, oldTTY })
}

func writeImage(t *testing.T, ref string, p v1.Platform, oci bool) v1.Image {
	t.Helper()
	img, err := random.Image(256, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.OSVersion = p.OS, p.Architecture, p.Variant, p.OSVersion
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	if oci {
		img = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON)
	}
	if err := remote.Write(mustRef(t, ref), img); err != nil {
		t.Fatalf("write %s: %v", ref, err)
	}
	return img
}

func mustRef(t *testing.T, ref string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func dig(t *testing.T, d interface{ Digest() (v1.Hash, error) }) string {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

// threeImages writes an amd64, an arm (config without variant) and a
// windows image into two source repositories.
func threeImages(t *testing.T, host string) (refs []string, digests []string) {
	refs = []string{host + "/src-a:amd64", host + "/src-b:arm", host + "/src-b:win"}
	plats := []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm"}, {OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2113"}}
	for i, r := range refs {
		digests = append(digests, dig(t, writeImage(t, r, plats[i], false)))
	}
	return refs, digests
}

type gotEntry struct {
	platform, digest string
	annotations      map[string]string
}

// readIndex reads ref back with ggcr (not manifold), checks every child
// resolves in ref's repository with its config, and returns the entries.
func readIndex(t *testing.T, ref string) (*v1.IndexManifest, []gotEntry, string) {
	t.Helper()
	r := mustRef(t, ref)
	idx, err := remote.Index(r)
	if err != nil {
		t.Fatalf("read back %s: %v", ref, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var out []gotEntry
	for _, d := range im.Manifests {
		child, err := remote.Image(r.Context().Digest(d.Digest.String()))
		if err != nil {
			t.Fatalf("child %s does not resolve in %s: %v", d.Digest, r.Context(), err)
		}
		if _, err := child.RawConfigFile(); err != nil {
			t.Fatalf("child %s: config missing in %s: %v", d.Digest, r.Context(), err)
		}
		p := "-"
		if d.Platform != nil {
			p = model.Platform{OS: d.Platform.OS, Architecture: d.Platform.Architecture, Variant: d.Platform.Variant, OSVersion: d.Platform.OSVersion}.String()
		}
		out = append(out, gotEntry{p, d.Digest.String(), d.Annotations})
	}
	return im, out, dig(t, idx)
}

func TestCreateAnnotatePushFromTwoRepositories(t *testing.T) {
	host := editEnv(t)
	refs, digests := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, append([]string{"create", list}, refs...)...)
	out := mustMF(t, "annotate", list, refs[1], "--variant", "v7")
	if !strings.Contains(out, "linux/arm/v7") {
		t.Fatalf("annotate output: %s", out)
	}
	mustMF(t, "annotate", list, refs[2], "--os-version", "10.0.20348.2113", "--os-features", "win32k")
	show := mustMF(t, "staged", "show", list)
	for _, want := range []string{"linux/amd64", "linux/arm/v7", "windows/amd64:10.0.20348.2113", refs[0], "new tag"} {
		if !strings.Contains(show, want) {
			t.Fatalf("staged show lacks %q:\n%s", want, show)
		}
	}
	code, out, errs := mf(t, "push", list, "--tag", "latest")
	if code != 0 {
		t.Fatalf("push: %d\n%s\n%s", code, out, errs)
	}
	for _, ref := range []string{list, host + "/app:latest"} {
		_, got, d := readIndex(t, ref)
		want := []gotEntry{{"linux/amd64", digests[0], nil}, {"linux/arm/v7", digests[1], nil}, {"windows/amd64:10.0.20348.2113", digests[2], nil}}
		if len(got) != 3 {
			t.Fatalf("%s: %d entries", ref, len(got))
		}
		for i := range want {
			if got[i].platform != want[i].platform || got[i].digest != want[i].digest {
				t.Fatalf("%s entry %d: got %+v want %+v", ref, i, got[i], want[i])
			}
		}
		if !strings.Contains(out, ref+"@"+d) {
			t.Fatalf("push output lacks %s@%s:\n%s", ref, d, out)
		}
	}
	if !strings.Contains(errs, "3 mounted") {
		t.Fatalf("progress: %s", errs)
	}
	// The staged list stays, now based on the pushed digest.
	_, _, d := readIndex(t, list)
	st, _ := stagestore.Open()
	l, err := st.Load(list)
	if err != nil || l.Base != d {
		t.Fatalf("staged list after push: %+v %v", l, err)
	}
	// Pushing again is a no-op that still succeeds; --purge discards.
	mustMF(t, "push", list, "--purge")
	if _, err := st.Load(list); err == nil {
		t.Fatal("--purge kept the staged list")
	}
}

// TestSpecPushesTheSameIndexAsCreateAnnotate writes a spec in the form of
// manifest-tool's README and checks it pushes the same bytes as the
// equivalent create and annotate commands.
func TestSpecPushesTheSameIndexAsCreateAnnotate(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, append([]string{"create", list}, refs...)...)
	mustMF(t, "annotate", list, refs[0], "--features", "sse")
	mustMF(t, "annotate", list, refs[1], "--os", "linux", "--arch", "arm", "--variant", "v7")
	mustMF(t, "annotate", list, refs[2], "--os-version", "10.0.20348.2113", "--os-features", "win32k")
	mustMF(t, "push", list)
	_, _, viaCreate := readIndex(t, list)

	spec := `image: ` + host + `/app:spec
tags: ['1.0', 'v1']
manifests:
  -
    image: ` + refs[0] + `
    platform:
      architecture: amd64
      features:
        - sse
      os: linux
  -
    image: ` + refs[1] + `
    platform:
      architecture: arm
      os: linux
      variant: v7
  -
    image: ` + refs[2] + `
    platform:
      architecture: amd64
      os: windows
      osversion: "10.0.20348.2113"
      osfeatures:
        - win32k
`
	file := filepath.Join(t.TempDir(), "spec.yaml")
	os.WriteFile(file, []byte(spec), 0o644)
	out := mustMF(t, "push", "--spec", file)
	for _, tag := range []string{"spec", "1.0", "v1"} {
		_, _, d := readIndex(t, host+"/app:"+tag)
		if d != viaCreate {
			t.Fatalf("app:%s holds %s, create/annotate pushed %s", tag, d, viaCreate)
		}
	}
	if !strings.Contains(out, viaCreate) {
		t.Fatalf("output: %s", out)
	}
	// export writes a spec that pushes the same bytes again.
	exported := mustMF(t, "export", list)
	file2 := filepath.Join(t.TempDir(), "exported.yaml")
	os.WriteFile(file2, []byte(strings.Replace(exported, "/app:v1", "/app:exported", 1)), 0o644)
	mustMF(t, "push", "--spec", file2)
	if _, _, d := readIndex(t, host+"/app:exported"); d != viaCreate {
		t.Fatalf("exported spec pushed %s, want %s\n%s", d, viaCreate, exported)
	}
}

// TestAmendKeepsAttestationsAndAnnotations amends a BuildKit-style OCI index
// (images, attestations, index annotations) with one more image.
func TestAmendKeepsAttestationsAndAnnotations(t *testing.T) {
	host := editEnv(t)
	amd := writeImage(t, host+"/build:amd64", v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	att, _ := random.Image(100, 1)
	att = mutate.MediaType(att, types.OCIManifestSchema1)
	dAmd := dig(t, amd)
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"},
			Annotations: map[string]string{"org.opencontainers.image.title": "app"}}},
		mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: dAmd}}})
	idx = mutate.Annotations(idx, map[string]string{"org.opencontainers.image.source": "https://git.example/app"}).(v1.ImageIndex)
	list := host + "/app:v1"
	if err := remote.WriteIndex(mustRef(t, list), idx); err != nil {
		t.Fatal(err)
	}
	arm := writeImage(t, host+"/build:arm64", v1.Platform{OS: "linux", Architecture: "arm64"}, true)

	mustMF(t, "create", list, host+"/build:arm64", "--amend")
	// The diff shows one entry added and nothing removed.
	show := mustMF(t, "staged", "show", list, "--diff")
	if !strings.Contains(show, "+ linux/arm64") || strings.Contains(show, "\n  - ") {
		t.Fatalf("diff:\n%s", show)
	}
	mustMF(t, "push", list)
	im, got, _ := readIndex(t, list)
	if im.MediaType != types.OCIImageIndex || im.Annotations["org.opencontainers.image.source"] != "https://git.example/app" {
		t.Fatalf("index lost its media type or annotations: %+v", im)
	}
	if len(got) != 3 || got[0].digest != dAmd || got[0].annotations["org.opencontainers.image.title"] != "app" ||
		got[1].platform != "unknown/unknown" || got[1].annotations[model.AnnotationReferenceDigest] != dAmd ||
		got[2].digest != dig(t, arm) || got[2].platform != "linux/arm64" {
		t.Fatalf("entries after amend: %+v", got)
	}
}

func TestPushStopsWhenTheTagMoved(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, "create", list, refs[0], refs[1])
	// Someone else writes the tag after it was staged (as new).
	other := writeImage(t, list, v1.Platform{OS: "linux", Architecture: "s390x"}, false)
	code, _, errs := mf(t, "push", list)
	if code != exitTagMoved {
		t.Fatalf("push over a moved tag exited %d:\n%s", code, errs)
	}
	if !strings.Contains(errs, "moved since the list was staged") || !strings.Contains(errs, "+ linux/amd64") || !strings.Contains(errs, "replaces single image") {
		t.Fatalf("stderr lacks the explanation and diff:\n%s", errs)
	}
	r := mustRef(t, list)
	if d, err := remote.Head(r); err != nil || d.Digest.String() != dig(t, other) {
		t.Fatal("the stopped push wrote the tag")
	}
	st, _ := stagestore.Open()
	if _, err := st.Load(list); err != nil {
		t.Fatalf("staged list lost: %v", err)
	}
	// Answering no on a terminal keeps it stopped; yes pushes.
	fakeTerminal(t, "n\n")
	if code, _, _ := mf(t, "push", list); code != exitTagMoved {
		t.Fatalf("answered no, exit %d", code)
	}
	fakeTerminal(t, "y\n")
	mustMF(t, "push", list)
	if _, got, _ := readIndex(t, list); len(got) != 2 {
		t.Fatalf("after confirmed push: %+v", got)
	}
	// --force needs no answer.
	writeImage(t, list, v1.Platform{OS: "linux", Architecture: "s390x"}, false)
	editIsTTY = func() bool { return false }
	mustMF(t, "push", list, "--force")
}

func TestDryRunPrintsExactBytesAndWritesNothing(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, append([]string{"create", list, "--media-type", "oci"}, refs...)...)
	code, out, errs := mf(t, "push", list, "--dry-run")
	if code != 0 {
		t.Fatalf("dry run: %d %s", code, errs)
	}
	raw := strings.TrimSuffix(out, "\n")
	sum := sha256.Sum256([]byte(raw))
	digest := "sha256:" + hex.EncodeToString(sum[:])
	if !strings.Contains(errs, "digest: "+digest) {
		t.Fatalf("printed digest is not the sha256 of the printed bytes:\n%s", errs)
	}
	if !strings.Contains(raw, model.MediaTypeOCIIndex) || !strings.Contains(errs, "new tag") || !strings.Contains(errs, ": mount") {
		t.Fatalf("dry run output:\n%s\n%s", raw, errs)
	}
	if _, err := remote.Head(mustRef(t, list)); err == nil {
		t.Fatal("dry run wrote the tag")
	}
	mustMF(t, "push", list)
	if _, _, d := readIndex(t, list); d != digest {
		t.Fatalf("pushed %s, dry run said %s", d, digest)
	}
}

func TestPushAcrossRegistriesAsksFirst(t *testing.T) {
	host := editEnv(t)
	far := startEditRegistry(t)
	writeImage(t, host+"/near:v1", v1.Platform{OS: "linux", Architecture: "amd64"}, false)
	farImg := writeImage(t, far+"/far:v1", v1.Platform{OS: "linux", Architecture: "arm64"}, false)
	list := host + "/app:v1"
	mustMF(t, "create", list, host+"/near:v1", far+"/far:v1")
	code, _, errs := mf(t, "push", list)
	if code == 0 || !strings.Contains(errs, "--yes") || !strings.Contains(errs, far+"/far@") {
		t.Fatalf("unconfirmed cross-registry push: %d\n%s", code, errs)
	}
	fakeTerminal(t, "yes\n")
	_, errs = mustMFErr(t, "push", list)
	if !strings.Contains(errs, "1 mounted, 1 copied") {
		t.Fatalf("progress: %s", errs)
	}
	if _, got, _ := readIndex(t, list); got[1].digest != dig(t, farImg) {
		t.Fatalf("entries: %+v", got)
	}
}

func mustMFErr(t *testing.T, args ...string) (string, string) {
	t.Helper()
	code, out, errs := mf(t, args...)
	if code != 0 {
		t.Fatalf("manifold %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out, errs
}

func TestBlockingFindingStopsPush(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, "create", list, refs[0], refs[1])
	code, _, errs := mf(t, "annotate", list, refs[1], "--arch", "amd64")
	if code == 0 || !strings.Contains(errs, "duplicate") {
		t.Fatalf("annotate did not fail on the duplicate: exit %d %s", code, errs)
	}
	code, _, errs = mf(t, "push", list)
	if code == 0 || !strings.Contains(errs, "not pushed") {
		t.Fatalf("push of a blocked list: %d %s", code, errs)
	}
	if _, err := remote.Head(mustRef(t, list)); err == nil {
		t.Fatal("a blocked list was written")
	}
}

func TestCreateRefusesToClobberAndAnnotateFindsEntries(t *testing.T) {
	host := editEnv(t)
	refs, digests := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, "create", list, refs[0])
	if code, _, errs := mf(t, "create", list, refs[1]); code == 0 || !strings.Contains(errs, "--amend") {
		t.Fatalf("second create: %d %s", code, errs)
	}
	mustMF(t, "create", list, refs[1], "--amend")
	// By digest prefix, by platform.
	mustMF(t, "annotate", list, digests[1][7:19], "--variant", "v6")
	out := mustMF(t, "annotate", list, "linux/arm/v6", "--annotation", "k=v")
	if !strings.Contains(out, "linux/arm/v6") {
		t.Fatalf("%s", out)
	}
	if code, _, errs := mf(t, "annotate", list, "linux/s390x", "--variant", "v1"); code == 0 || !strings.Contains(errs, "no entry") {
		t.Fatalf("annotate of a missing entry: %d %s", code, errs)
	}
	if code, _, _ := mf(t, "annotate", list, refs[0]); code == 0 {
		t.Fatal("annotate with nothing to change succeeded")
	}
	mustMF(t, "annotate", list, "--index-annotation", "org.opencontainers.image.source=x")
	raw := mustMF(t, "staged", "show", list, "--json")
	if !strings.Contains(raw, `"org.opencontainers.image.source": "x"`) || !strings.Contains(raw, `"k": "v"`) || !strings.Contains(raw, model.MediaTypeOCIIndex) {
		t.Fatalf("rendered list:\n%s", raw)
	}
}

func TestStagedLsMvRm(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	mustMF(t, "create", host+"/app:v1", refs[0])
	mustMF(t, "create", host+"/app:v2", refs[1], "--name", "second")
	ls := mustMF(t, "staged", "ls")
	if !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(host)+`/app:v1\s+`+regexp.QuoteMeta(host)+`/app:v1\s+1\s`).MatchString(ls) || !strings.Contains(ls, "second") {
		t.Fatalf("ls:\n%s", ls)
	}
	mustMF(t, "staged", "mv", host+"/app:v1", "first")
	if code, _, _ := mf(t, "staged", "mv", "first", "second"); code == 0 {
		t.Fatal("mv onto an existing name succeeded")
	}
	if out := mustMF(t, "staged", "show", "first"); !strings.Contains(out, host+"/app:v1") {
		t.Fatalf("renamed list lost its target: %s", out)
	}
	mustMF(t, "staged", "rm", "first", "second")
	if code, _, errs := mf(t, "staged", "show", "first"); code == 0 || !strings.Contains(errs, "staged ls") {
		t.Fatalf("show of a discarded list: %d %s", code, errs)
	}
	_, errs := mustMFErr(t, "staged")
	if !strings.Contains(errs, "no staged lists") {
		t.Fatalf("empty ls: %s", errs)
	}
}

func TestTagAndRm(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, "create", list, refs[0], refs[1])
	mustMF(t, "push", list)
	_, _, d := readIndex(t, list)
	out := mustMF(t, "tag", list, "stable")
	if strings.TrimSpace(out) != host+"/app:stable@"+d {
		t.Fatalf("tag output %q", out)
	}
	if _, _, d2 := readIndex(t, host+"/app:stable"); d2 != d {
		t.Fatal("retag changed the bytes")
	}
	mustMF(t, "tag", list, host+"/copy:v1")
	if _, _, d2 := readIndex(t, host+"/copy:v1"); d2 != d {
		t.Fatal("retag into another repository changed the bytes")
	}
	editIsTTY = func() bool { return false }
	if code, _, errs := mf(t, "rm", host+"/copy:v1"); code == 0 || !strings.Contains(errs, "--yes") {
		t.Fatalf("rm without confirmation: %d %s", code, errs)
	}
	fakeTerminal(t, "y\n")
	out = mustMF(t, "rm", host+"/copy:v1")
	if !strings.Contains(out, d) {
		t.Fatalf("rm output %q", out)
	}
	if _, err := remote.Head(mustRef(t, host+"/copy@"+d)); err == nil {
		t.Fatal("manifest still there after rm")
	}
	if _, err := remote.Head(mustRef(t, host+"/copy:v1")); err == nil {
		t.Fatal("tag still there after rm")
	}
	editIsTTY = func() bool { return false }
	mustMF(t, "rm", host+"/app@"+d, "--yes")
	if code, _, _ := mf(t, "rm", host+"/nothing:here", "--yes"); code == 0 {
		t.Fatal("rm of a missing tag succeeded")
	}
}

func TestEditCommandsHaveHelpWithExamples(t *testing.T) {
	root := newRootCmd(&globals{stdout: io.Discard, stderr: io.Discard})
	want := map[string]bool{"create": true, "annotate": true, "push": true, "staged": true, "export": true, "tag": true, "rm": true}
	for _, c := range root.Commands() {
		if !want[c.Name()] {
			continue
		}
		delete(want, c.Name())
		if c.Example == "" || c.Short == "" {
			t.Errorf("%s has no example or short help", c.Name())
		}
		for _, sub := range c.Commands() {
			if sub.Example == "" {
				t.Errorf("%s %s has no example", c.Name(), sub.Name())
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("commands not registered: %v", want)
	}
	if code, out, _ := mf(t, "push", "--help"); code != 0 || !strings.Contains(out, "Examples:") {
		t.Fatalf("push --help: %d %s", code, out)
	}
}

// failingWrites is a registry Wrap that answers the nth manifest PUT with a
// 400 that is not retried, as a registry or proxy dying mid-push would look
// to the client. (Failed blob mounts are not counted: go-containerregistry
// falls back to uploading the blob; the registry package's crash test
// covers every request.)
type failingWrites struct {
	mu     sync.Mutex
	n      int
	writes int
}

func (f *failingWrites) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
			f.mu.Lock()
			f.writes++
			fail := f.writes == f.n
			f.mu.Unlock()
			if fail {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"errors":[{"code":"UNSUPPORTED","message":"injected crash"}]}`)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// TestPushCrashAtEachWriteKeepsTheStagedList breaks a push at each of its
// manifest writes in turn (three children, then the index): the command
// fails, the staged list on disk is byte for byte what it was, and running
// the same push again completes.
func TestPushCrashAtEachWriteKeepsTheStagedList(t *testing.T) {
	editEnv(t)
	count := &failingWrites{}
	host := testregistry.Start(t, testregistry.Options{Wrap: count.wrap}).Host
	refs, _ := threeImages(t, host)
	count.mu.Lock()
	count.writes = 0
	count.mu.Unlock()
	mustMF(t, append([]string{"create", host + "/app:v1"}, refs...)...)
	mustMF(t, "push", host+"/app:v1")
	total := count.writes
	if total != 4 {
		t.Fatalf("a push of three children made %d manifest writes, want 4", total)
	}
	stopped := 0
	for n := 1; n <= total; n++ {
		fw := &failingWrites{}
		host := testregistry.Start(t, testregistry.Options{Wrap: fw.wrap}).Host
		refs, digests := threeImages(t, host)
		list := host + "/app:v1"
		mustMF(t, append([]string{"create", list}, refs...)...)
		st, _ := stagestore.Open()
		file := st.Path(list)
		before, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fw.mu.Lock()
		fw.writes, fw.n = 0, n
		fw.mu.Unlock()
		code, _, errs := mf(t, "push", list)
		if code == 0 {
			t.Fatalf("manifest write %d failed but the push succeeded:\n%s", n, errs)
		}
		stopped++
		if !strings.Contains(errs, "injected crash") || !strings.Contains(errs, "is kept: run the push again") {
			t.Fatalf("write %d: stderr %s", n, errs)
		}
		after, _ := os.ReadFile(file)
		if string(before) != string(after) {
			t.Fatalf("write %d: the staged list changed", n)
		}
		mustMF(t, "push", list)
		_, got, _ := readIndex(t, list)
		if len(got) != 3 || got[0].digest != digests[0] {
			t.Fatalf("write %d: after re-run %+v", n, got)
		}
	}
	t.Logf("%d manifest writes per push; each failure stopped it and a re-run completed", stopped)
}
