package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
)

// SBOM is what an SBOM says: its format and the packages it lists.
type SBOM struct {
	Format string `json:"format"` // "SPDX-2.3", "CycloneDX 1.5"
	// Count is the number of packages the document lists.
	Count int `json:"packages"`
	// Packages holds at most MaxPackages of them, in document order.
	Packages  []Package `json:"-"`
	Truncated bool      `json:"truncated,omitempty"`
}

// Package is one package of an SBOM.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
	License string `json:"license,omitempty"`
}

// DecodeSBOM decodes an SPDX 2.x JSON or CycloneDX JSON document, telling
// them apart by their own fields.
func DecodeSBOM(doc []byte) (*SBOM, error) {
	var probe struct {
		SPDXVersion string `json:"spdxVersion"`
		BOMFormat   string `json:"bomFormat"`
	}
	if err := json.Unmarshal(doc, &probe); err != nil {
		return nil, fmt.Errorf("SBOM: %w", err)
	}
	switch {
	case probe.SPDXVersion != "":
		return DecodeSPDX(doc)
	case probe.BOMFormat != "":
		return DecodeCycloneDX(doc)
	}
	return nil, fmt.Errorf("SBOM: neither SPDX (spdxVersion) nor CycloneDX (bomFormat)")
}

// DecodeSPDX decodes an SPDX 2.x JSON document with spdx/tools-golang.
func DecodeSPDX(doc []byte) (*SBOM, error) {
	d, err := spdxjson.Read(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("SPDX: %w", err)
	}
	s := &SBOM{Format: Clean(d.SPDXVersion), Count: len(d.Packages)}
	for _, p := range d.Packages {
		if p == nil {
			continue
		}
		if len(s.Packages) == MaxPackages {
			s.Truncated = true
			break
		}
		pkg := Package{Name: p.PackageName, Version: p.PackageVersion, License: p.PackageLicenseConcluded}
		if pkg.License == "" || pkg.License == "NOASSERTION" {
			pkg.License = p.PackageLicenseDeclared
		}
		if pkg.License == "NOASSERTION" {
			pkg.License = ""
		}
		for _, r := range p.PackageExternalReferences {
			if r != nil && strings.EqualFold(r.RefType, "purl") {
				pkg.PURL = r.Locator
				break
			}
		}
		s.Packages = append(s.Packages, pkg.clean())
	}
	return s, nil
}

// DecodeCycloneDX decodes a CycloneDX JSON document with cyclonedx-go.
// Components nested under components are counted too.
func DecodeCycloneDX(doc []byte) (*SBOM, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("CycloneDX: %w", err)
	}
	s := &SBOM{Format: Clean(strings.TrimSpace("CycloneDX " + bom.SpecVersion.String()))}
	var walk func(cs *[]cdx.Component, depth int)
	walk = func(cs *[]cdx.Component, depth int) {
		if cs == nil || depth > 16 {
			return
		}
		for i := range *cs {
			c := &(*cs)[i]
			s.Count++
			if len(s.Packages) < MaxPackages {
				name := c.Name
				if c.Group != "" {
					name = c.Group + "/" + c.Name
				}
				s.Packages = append(s.Packages, Package{Name: name, Version: c.Version, PURL: c.PackageURL, License: cdxLicense(c.Licenses)}.clean())
			} else {
				s.Truncated = true
			}
			walk(c.Components, depth+1)
		}
	}
	walk(bom.Components, 0)
	return s, nil
}

func cdxLicense(ls *cdx.Licenses) string {
	if ls == nil {
		return ""
	}
	var out []string
	for _, l := range *ls {
		switch {
		case l.Expression != "":
			out = append(out, l.Expression)
		case l.License != nil && l.License.ID != "":
			out = append(out, l.License.ID)
		case l.License != nil && l.License.Name != "":
			out = append(out, l.License.Name)
		}
	}
	return strings.Join(out, " OR ")
}

func (p Package) clean() Package {
	return Package{Name: Clean(p.Name), Version: Clean(p.Version), PURL: Clean(p.PURL), License: Clean(p.License)}
}
