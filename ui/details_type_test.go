package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// TestArtifactTypeOnlyForArtifacts: the details pane says "artifact type"
// only for an artifact (an artifactType field, or a config that is not an
// image config); a plain image's config type is labelled "config type".
func TestArtifactTypeOnlyForArtifacts(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/cli:2.0", 200, 60)
	tr := hs.m.top().(*tree.Model)
	base := tr.Tree()
	for _, c := range []struct {
		name, artifactType, configType string
		want, not                      string
	}{
		{"OCI image", "", model.MediaTypeOCIConfig, "config type: " + model.MediaTypeOCIConfig, "artifact type"},
		{"Docker image", "", model.MediaTypeDockerConfig, "config type: " + model.MediaTypeDockerConfig, "artifact type"},
		{"artifactType field", "application/vnd.example.sbom+json", model.MediaTypeOCIEmpty, "artifact type: application/vnd.example.sbom+json", "config type"},
		{"artifact config", "", "application/vnd.cncf.helm.config.v1+json", "artifact type: application/vnd.cncf.helm.config.v1+json", "config type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			shown := *base
			im := *base.Image
			im.ArtifactType, im.ConfigDescriptor.MediaType = c.artifactType, c.configType
			shown.Image = &im
			tr.SetTree(&shown)
			tr.SetCursor(0)
			if n := tr.Selected(); n == nil || n.Kind != tree.NodeManifest {
				t.Fatalf("cursor on %+v, want the manifest", n)
			}
			pane := ansi.Strip(tr.DetailsView(200, 60))
			if !strings.Contains(pane, c.want) || strings.Contains(pane, c.not) {
				t.Errorf("details pane: want %q and no %q:\n%s", c.want, c.not, pane)
			}
		})
	}
}
