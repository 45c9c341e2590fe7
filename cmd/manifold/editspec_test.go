package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// rawIndex is an index PUT exactly as given, the way podman, buildah or a
// hand-written file put it.
type rawIndex struct {
	raw []byte
	mt  types.MediaType
}

func (r rawIndex) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r rawIndex) MediaType() (types.MediaType, error) { return r.mt, nil }

func putRawIndex(t *testing.T, ref string, mt types.MediaType, raw string) {
	t.Helper()
	if err := remote.Put(mustRef(t, ref), rawIndex{[]byte(raw), mt}); err != nil {
		t.Fatalf("put %s: %v\n%s", ref, err, raw)
	}
}

func rawManifestOf(t *testing.T, ref string) []byte {
	t.Helper()
	d, err := remote.Get(mustRef(t, ref))
	if err != nil {
		t.Fatalf("get %s: %v", ref, err)
	}
	return d.Manifest
}

func descOf(t *testing.T, img v1.Image) string {
	t.Helper()
	m, err := img.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := img.MediaType()
	return fmt.Sprintf(`"mediaType":%q,"digest":%q,"size":%d`, mt, dig(t, img), len(m))
}

func jsonFields(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	return m
}

func compactJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	return b.String()
}

// TestAmendRoundTripsPodmanAndBuildahLists writes lists the way podman and
// buildah write them (compact JSON, annotations before platform,
// os.features, urls, artifactType, subject, unknown fields), amends each
// with one image and pushes: every untouched entry and the index's own
// fields are equal to before, field by field.
func TestAmendRoundTripsPodmanAndBuildahLists(t *testing.T) {
	host := editEnv(t)
	amd := writeImage(t, host+"/app:amd64", v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	win := writeImage(t, host+"/app:win", v1.Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.5576"}, true)
	subj := writeImage(t, host+"/app:subject", v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	writeImage(t, host+"/src:arm64", v1.Platform{OS: "linux", Architecture: "arm64"}, true)
	dockerAmd := writeImage(t, host+"/app:damd64", v1.Platform{OS: "linux", Architecture: "amd64"}, false)
	writeImage(t, host+"/src:ds390x", v1.Platform{OS: "linux", Architecture: "s390x"}, false)
	cases := []struct {
		name, tag, add string
		mt             types.MediaType
		raw            string
	}{
		{"podman", "podman", "arm64", types.OCIImageIndex,
			`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/vnd.example.set","manifests":[` +
				`{` + descOf(t, amd) + `,"annotations":{"z.last":"1","a.first":"2"},"platform":{"architecture":"amd64","os":"linux","os.features":["sse4"]},"urls":["https://mirror.example/amd"],"x-vendor":{"k":[1,2]}},` +
				`{` + descOf(t, win) + `,"platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.5576","os.features":["win32k"]},"data":"e30="}` +
				`],"subject":{` + descOf(t, subj) + `},"annotations":{"org.opencontainers.image.created":"2024-05-01T10:00:00Z","io.podman.b":"x"},"io.podman.extra":true}`},
		{"buildah-docker", "buildah", "ds390x", types.DockerManifestList,
			"{\n    \"schemaVersion\": 2,\n    \"mediaType\": \"application/vnd.docker.distribution.manifest.list.v2+json\",\n    \"manifests\": [\n        {" +
				descOf(t, dockerAmd) + `,"platform":{"os":"linux","architecture":"amd64","features":["sse4"]},"urls":["https://mirror.example/d"]}` +
				"\n    ]\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			list := host + "/app:" + c.tag
			putRawIndex(t, list, c.mt, c.raw)
			before := rawManifestOf(t, list)
			mustMF(t, "create", list, host+"/src:"+c.add, "--amend")
			mustMF(t, "push", list)
			after := rawManifestOf(t, list)
			bf, af := jsonFields(t, before), jsonFields(t, after)
			for k, v := range bf {
				if k == "manifests" {
					continue
				}
				if compactJSON(t, af[k]) != compactJSON(t, v) {
					t.Errorf("index field %s: before %s, after %s", k, v, af[k])
				}
			}
			if len(af) != len(bf) {
				t.Errorf("index fields: before %d, after %d:\n%s", len(bf), len(af), after)
			}
			var bm, am []json.RawMessage
			json.Unmarshal(bf["manifests"], &bm)
			json.Unmarshal(af["manifests"], &am)
			if len(am) != len(bm)+1 {
				t.Fatalf("%d entries after amending %d with one:\n%s", len(am), len(bm), after)
			}
			for i := range bm {
				if compactJSON(t, am[i]) != compactJSON(t, bm[i]) {
					t.Errorf("entry %d:\nbefore %s\nafter  %s", i+1, compactJSON(t, bm[i]), compactJSON(t, am[i]))
				}
			}
			if !strings.Contains(compactJSON(t, am[len(bm)]), `"os":"linux"`) {
				t.Errorf("added entry: %s", am[len(bm)])
			}
		})
	}
}

// writeImageWithConfig writes an image whose config declares p in full
// (os.features included).
func writeImageWithConfig(t *testing.T, ref string, p v1.Platform) v1.Image {
	t.Helper()
	img := writeImage(t, ref, p, false)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.OSFeatures) == 0 {
		return img
	}
	cf = cf.DeepCopy()
	cf.OSFeatures = p.OSFeatures
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(mustRef(t, ref), img); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestSpecMergesTheConfigAsManifestToolDoes: a Linux + Windows spec whose
// Windows entry gives no osversion and whose arm entry gives no variant
// pushes the very bytes create + annotate push for the same intent: the
// left-out fields come from the image configs.
func TestSpecMergesTheConfigAsManifestToolDoes(t *testing.T) {
	host := editEnv(t)
	refs := []string{host + "/src:amd64", host + "/src:armv7", host + "/src:win"}
	writeImageWithConfig(t, refs[0], v1.Platform{OS: "linux", Architecture: "amd64"})
	writeImageWithConfig(t, refs[1], v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"})
	writeImageWithConfig(t, refs[2], v1.Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2113", OSFeatures: []string{"win32k"}})
	list := host + "/app:v1"
	mustMF(t, append([]string{"create", list}, refs...)...)
	mustMF(t, "annotate", list, refs[0], "--features", "sse4")
	mustMF(t, "push", list)
	viaCreate := rawManifestOf(t, list)

	spec := `image: ` + host + `/app:spec
manifests:
  - image: ` + refs[0] + `
    platform:
      architecture: amd64
      os: linux
      features: [sse4]
  - image: ` + refs[1] + `
    platform:
      architecture: arm
      os: linux
  - image: ` + refs[2] + `
    platform:
      architecture: amd64
      os: windows
`
	file := filepath.Join(t.TempDir(), "spec.yaml")
	os.WriteFile(file, []byte(spec), 0o644)
	_, errs := mustMFErr(t, "push", "--spec", file)
	viaSpec := rawManifestOf(t, host+"/app:spec")
	if !bytes.Equal(viaSpec, viaCreate) {
		t.Fatalf("push --spec wrote\n%s\ncreate + annotate wrote\n%s", viaSpec, viaCreate)
	}
	for _, want := range []string{`"variant": "v7"`, `"os.version": "10.0.20348.2113"`, `"win32k"`} {
		if !strings.Contains(string(viaSpec), want) {
			t.Fatalf("spec push lost %s:\n%s", want, viaSpec)
		}
	}
	if strings.Contains(errs, "warning") {
		t.Fatalf("a spec that agrees with the configs warned:\n%s", errs)
	}

	// A spec that contradicts a config's architecture names both values and
	// stops, unless --force; a variant contradiction only warns.
	bad := `image: ` + host + `/app:bad
manifests:
  - image: ` + refs[1] + `
    platform:
      architecture: arm64
      os: linux
  - image: ` + refs[0] + `
    platform:
      architecture: amd64
      os: linux
      variant: v3
`
	os.WriteFile(file, []byte(bad), 0o644)
	code, _, errs := mf(t, "push", "--spec", file)
	if code == 0 || !strings.Contains(errs, "architecture arm64 but the image config says arm") || !strings.Contains(errs, "--force") {
		t.Fatalf("contradicting arch: exit %d\n%s", code, errs)
	}
	if _, err := remote.Head(mustRef(t, host+"/app:bad")); err == nil {
		t.Fatal("a blocked spec was pushed")
	}
	_, errs = mustMFErr(t, "push", "--spec", file, "--force")
	if !strings.Contains(errs, "linux/amd64/v3") {
		t.Fatalf("forced push: %s", errs)
	}

	// A typo in a key names the key meant, not a Go type.
	os.WriteFile(file, []byte(strings.Replace(spec, "      os: windows\n", "      os: windows\n      osVersion: 10.0.20348.2113\n", 1)), 0o644)
	code, _, errs = mf(t, "push", "--spec", file)
	if code == 0 || !strings.Contains(errs, `did you mean "osversion"?`) || strings.Contains(errs, "model.") {
		t.Fatalf("typo: exit %d\n%s", code, errs)
	}
}

// TestAnnotateNormalisesAndFailsOnBlockingErrors: spellings are folded as
// containerd folds them, near misses are refused with the nearest known
// value, ” clears a variant or os.version, and a command that leaves the
// list unpushable exits non-zero.
func TestAnnotateNormalisesAndFailsOnBlockingErrors(t *testing.T) {
	host := editEnv(t)
	refs, _ := threeImages(t, host)
	list := host + "/app:v1"
	mustMF(t, append([]string{"create", list}, refs...)...)

	out, errs := mustMFErr(t, "annotate", list, refs[1], "--os", "Linux", "--arch", "aarch64")
	if !strings.Contains(out, "linux/arm64") || !strings.Contains(errs, "architecture aarch64 → arm64") || !strings.Contains(errs, "os Linux → linux") {
		t.Fatalf("aarch64:\n%s\n%s", out, errs)
	}
	out, errs = mustMFErr(t, "annotate", list, refs[1], "--arch", "arm", "--variant", "7")
	if !strings.Contains(out, "linux/arm/v7") || !strings.Contains(errs, "variant 7 → v7") {
		t.Fatalf("variant 7:\n%s\n%s", out, errs)
	}
	code, _, errs := mf(t, "annotate", list, refs[1], "--arch", "amd46")
	if code == 0 || !strings.Contains(errs, `unknown architecture "amd46": did you mean amd64?`) {
		t.Fatalf("amd46: exit %d\n%s", code, errs)
	}
	if show := mustMF(t, "staged", "show", list); !strings.Contains(show, "linux/arm/v7") || strings.Contains(show, "amd46") {
		t.Fatalf("a refused edit changed the list:\n%s", show)
	}
	// --variant '' and --os-version '' clear.
	out = mustMF(t, "annotate", list, refs[1], "--variant", "")
	if !strings.Contains(out, "linux/arm\n") {
		t.Fatalf("--variant '': %s", out)
	}
	out = mustMF(t, "annotate", list, refs[2], "--os-version", "")
	if !strings.Contains(out, "windows/amd64\n") {
		t.Fatalf("--os-version '': %s", out)
	}
	// os.features on a Linux entry warn what they do.
	_, errs = mustMFErr(t, "annotate", list, refs[0], "--os-features", "sse4")
	if !strings.Contains(errs, "containerd then picks this entry only on hosts that declare") || !strings.Contains(errs, "podman ignores") {
		t.Fatalf("os.features on linux: %s", errs)
	}
	// A duplicate platform is saved but fails the command.
	code, _, errs = mf(t, "annotate", list, refs[1], "--arch", "amd64", "--os-features", "sse4")
	if code == 0 || !strings.Contains(errs, "duplicate platform") {
		t.Fatalf("duplicate: exit %d\n%s", code, errs)
	}
	// --force keeps a value manifold does not know.
	if out := mustMF(t, "annotate", list, refs[1], "--arch", "amd46", "--os-features", "", "--force"); !strings.Contains(out, "linux/amd46") {
		t.Fatalf("--force: %s", out)
	}
}

// TestOSFeaturesAndUnknownEntriesAreShown: os.features are shown wherever a
// platform is, a host without the features an entry needs is told why
// nothing matches, inspect's NOTES show entry annotations, and an
// unknown/unknown entry without attestation annotations is counted apart.
func TestOSFeaturesAndUnknownEntriesAreShown(t *testing.T) {
	host := editEnv(t)
	amd := writeImage(t, host+"/app:amd64", v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	win := writeImage(t, host+"/app:win", v1.Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.1"}, true)
	un := writeImage(t, host+"/app:un", v1.Platform{OS: "linux", Architecture: "arm64"}, true)
	list := host + "/app:podman"
	putRawIndex(t, list, types.OCIImageIndex, `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[`+
		`{`+descOf(t, amd)+`,"annotations":{"org.opencontainers.image.title":"app"},"platform":{"architecture":"amd64","os":"linux","os.features":["sse4"]}},`+
		`{`+descOf(t, win)+`,"platform":{"architecture":"amd64","os":"windows","os.version":"10.0.17763.1","os.features":["win32k"]}},`+
		`{`+descOf(t, un)+`,"platform":{"architecture":"unknown","os":"unknown"}}]}`)

	table := mustMF(t, "inspect", list)
	for _, want := range []string{"linux/amd64 (os.features sse4)", "windows/amd64:10.0.17763.1 (os.features win32k)", "org.opencontainers.image.title=app"} {
		if !strings.Contains(table, want) {
			t.Errorf("inspect table lacks %q:\n%s", want, table)
		}
	}
	var v struct {
		Manifests []struct {
			Platform   string   `json:"platformString"`
			OSFeatures []string `json:"os.features"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal([]byte(mustMF(t, "inspect", list, "-o", "json")), &v); err != nil || len(v.Manifests) != 3 ||
		strings.Join(v.Manifests[0].OSFeatures, ",") != "sse4" || strings.Join(v.Manifests[1].OSFeatures, ",") != "win32k" {
		t.Errorf("inspect -o json: %+v %v", v, err)
	}

	plats := mustMF(t, "platforms", list)
	if !strings.Contains(plats, "- linux/amd64 (os.features sse4)\n") || strings.Contains(plats, "- unknown/unknown") || !strings.Contains(plats, "Unknown entries: 1") {
		t.Errorf("platforms:\n%s", plats)
	}

	code, _, errs := mf(t, "resolve", list, "--platform", "linux/amd64")
	if code == 0 || !strings.Contains(errs, "needs os.features sse4") {
		t.Errorf("resolve for a host without sse4: exit %d\n%s", code, errs)
	}
	var r struct {
		Digest         string   `json:"digest"`
		OSFeatures     []string `json:"os.features"`
		HostOSFeatures []string `json:"hostOSFeatures"`
		Candidates     []struct {
			OSFeatures []string `json:"os.features"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal([]byte(mustMF(t, "resolve", list, "--platform", "linux(+sse4)/amd64", "-o", "json")), &r); err != nil ||
		r.Digest != dig(t, amd) || strings.Join(r.OSFeatures, ",") != "sse4" || strings.Join(r.HostOSFeatures, ",") != "sse4" {
		t.Errorf("resolve -o json for a host with sse4: %+v %v", r, err)
	}

	mustMF(t, "create", list, host+"/app:amd64", "--amend", "--name", "edit")
	// The amd64 image is already entry 1: skipped, and the list is shown as
	// it is, with its os.features.
	show := mustMF(t, "staged", "show", "edit")
	if !strings.Contains(show, "linux/amd64 (os.features sse4)") || !strings.Contains(show, "(os.features win32k)") {
		t.Errorf("staged show:\n%s", show)
	}
}
