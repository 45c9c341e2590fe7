package format

import (
	"bytes"
	"strings"
	"testing"
)

type plat struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
}

type row struct {
	Digest         string `json:"digest"`
	MediaType      string `json:"mediaType"`
	Platform       plat   `json:"platform"`
	PlatformString string `json:"platformString"`
}

var rows = []any{
	row{"sha256:aaa", "application/vnd.oci.image.manifest.v1+json", plat{"linux", "amd64"}, "linux/amd64"},
	row{"sha256:bbb", "application/vnd.oci.image.manifest.v1+json", plat{"linux", "arm64"}, "linux/arm64"},
}

func render(t *testing.T, spec string, object bool, v any) string {
	t.Helper()
	s, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if object {
		err = s.Object(&b, v)
	} else {
		err = s.Rows(&b, v.([]any))
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestDockerForms(t *testing.T) {
	if got := render(t, "{{.platform.architecture}} {{.digest}}", false, rows); got != "amd64 sha256:aaa\narm64 sha256:bbb\n" {
		t.Fatalf("template: %q", got)
	}
	got := render(t, `table {{.platformString}}\t{{.mediaType}}\t{{.digest}}`, false, rows)
	lines := strings.Split(strings.TrimRight(got, "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PLATFORM STRING") || !strings.Contains(lines[0], "MEDIA TYPE") || !strings.Contains(lines[0], "DIGEST") {
		t.Fatalf("table template:\n%s", got)
	}
	if strings.Index(lines[1], "sha256:aaa") != strings.Index(lines[0], "DIGEST") {
		t.Fatalf("columns not aligned:\n%s", got)
	}
	if got := render(t, "json", false, rows); strings.Count(got, "\n") != 2 || !strings.HasPrefix(got, `{"digest":"sha256:aaa"`) {
		t.Fatalf("json rows: %q", got)
	}
	if got := render(t, "{{json .platform}}", true, rows[0]); got != `{"architecture":"amd64","os":"linux"}`+"\n" {
		t.Fatalf("json func: %q", got)
	}
	if got := render(t, "{{upper .platform.os}} {{truncate 8 .digest}} {{.nothing}}", true, rows[0]); got != "LINUX sha256:a <no value>\n" && got != "LINUX sha256:a \n" {
		t.Fatalf("funcs: %q", got)
	}
	for _, s := range []string{"", "table"} {
		sp, _ := Parse(s)
		if err := sp.Rows(&bytes.Buffer{}, rows); err != ErrOwnOutput {
			t.Fatalf("%q: %v", s, err)
		}
	}
}

func TestBadTemplateAndHostileStrings(t *testing.T) {
	if _, err := Parse("{{.digest"); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Fatalf("bad template: %v", err)
	}
	evil := row{Digest: "sha256:x\x1b[2J\x1b]0;pwned\x07"}
	got := render(t, "{{.digest}}", true, evil)
	if strings.ContainsRune(got, 0x1b) || strings.ContainsRune(got, 0x07) {
		t.Fatalf("escape reached the terminal: %q", got)
	}
}

func TestFields(t *testing.T) {
	if got := Fields(row{}); got != "digest, mediaType, platform{os, architecture}, platformString" {
		t.Fatalf("%q", got)
	}
}
