//! SBOMs and scanner reports from `../shared/corpora` read into their typed views, and the
//! in-memory entry point on bad input of every kind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_load::sbom::{report, sbom};
use annexa_load::{At, Code, DocKind, Input, Options, Severity, load, load_bytes};
use std::path::PathBuf;

fn corpora() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("corpora not found at {}: SBOM and report tests skipped", dir.display());
        None
    }
}

#[test]
fn every_cyclonedx_example_reads_as_an_sbom() {
    let Some(root) = corpora() else { return };
    let estate = load(&[Input::Path(root.join("CycloneDX-bom-examples"))], &Options::default());
    let boms: Vec<_> = estate.documents_of(DocKind::CycloneDx).map(|d| (d, sbom(d).unwrap())).collect();
    assert_eq!(boms.len(), 53);
    let versions: std::collections::BTreeSet<&str> = boms.iter().map(|(_, s)| s.spec_version.as_str()).collect();
    assert_eq!(versions.into_iter().collect::<Vec<_>>(), ["1.2", "1.3", "1.4", "1.6"]);
    let dropwizard = boms.iter().find(|(d, _)| d.file.ends_with("dropwizard-1.3.15/bom.json")).unwrap();
    assert_eq!(dropwizard.1.components.len(), 167);
    let first = &dropwizard.1.components[0];
    assert!(
        first.purl.as_deref().is_some_and(|p| p.starts_with("pkg:maven/"))
            && !first.hashes.is_empty()
            && !first.licenses.is_empty(),
        "{first:?}"
    );
    // The pointer leads back to the line the component is written on.
    let at = dropwizard.0.locate(&first.pointer);
    assert!(at.line > 1);
}

#[test]
fn trivy_and_grype_reports_list_their_vulnerabilities() {
    let Some(root) = corpora() else { return };
    let estate = load(
        &[Input::Path(root.join("aquasecurity-trivy")), Input::Path(root.join("anchore-grype"))],
        &Options::default(),
    );
    let alpine = estate.documents.iter().find(|d| d.file.ends_with("alpine-310.json.golden")).and_then(report).unwrap();
    assert_eq!(
        (alpine.tool, alpine.artifact.as_deref()),
        ("trivy", Some("testdata/fixtures/images/alpine-310.tar.gz"))
    );
    // Four `VulnerabilityID` entries in the file (counted with grep).
    assert_eq!(alpine.vulnerabilities.len(), 4);
    assert_eq!(alpine.vulnerabilities[0].id, "CVE-2019-1549");
    assert_eq!(alpine.vulnerabilities[0].package, "libcrypto1.1");
    assert_eq!(alpine.vulnerabilities[0].fixed.as_deref(), Some("1.1.1d-r0"));
    let grype = estate.documents_of(DocKind::GrypeReport).next().and_then(report).unwrap();
    assert_eq!(grype.tool, "grype");
    // Two matches in the golden report.
    assert_eq!(grype.vulnerabilities.len(), 2);
    assert!(grype.vulnerabilities.iter().all(|v| !v.id.is_empty() && !v.severity.is_empty()));
}

#[test]
fn spdx_packages() {
    let text = br#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "app",
      "packages": [{"name": "openssl", "versionInfo": "3.0.13", "licenseConcluded": "Apache-2.0",
        "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:deb/debian/openssl@3.0.13"}],
        "checksums": [{"algorithm": "SHA256", "checksumValue": "ab"}]}]}"#;
    let estate = load_bytes("app.spdx.json", text, &Options::default());
    let s = sbom(&estate.documents[0]).unwrap();
    assert_eq!((s.format, s.spec_version.as_str(), s.subject.as_deref()), ("spdx", "SPDX-2.3", Some("app")));
    assert_eq!(s.components[0].purl.as_deref(), Some("pkg:deb/debian/openssl@3.0.13"));
    assert_eq!(s.components[0].licenses, ["Apache-2.0"]);
}

fn one(name: &str, bytes: &[u8], options: &Options) -> annexa_load::Estate {
    let estate = load_bytes(name, bytes, options);
    let s = &estate.stats;
    assert_eq!((s.seen, s.parsed + s.failed + s.skipped_total()), (1, 1), "{name}: {s:?}");
    estate
}

#[test]
fn bad_input_of_every_kind_is_a_diagnostic_with_a_line() {
    let o = Options::default();
    let malformed = one("m.yaml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n", &o);
    assert!(
        malformed.diagnostics.iter().any(|d| d.code == Code::YamlSyntax && d.pos.line >= 4 && d.file == "m.yaml"),
        "{:?}",
        malformed.diagnostics
    );
    assert_eq!(malformed.stats.failed, 1);

    let latin1 = one("l.yaml", b"apiVersion: v1\nkind: ConfigMap\ndata: {k: caf\xe9}\n", &o);
    assert!(latin1.diagnostics.iter().any(|d| d.code == Code::Encoding && d.pos.line == 3), "{:?}", latin1.diagnostics);

    let binary = one("b.yaml", b"\x89PNG\r\n\x1a\n\x00\x00", &o);
    assert_eq!(binary.stats.skipped.get("binary"), Some(&1));

    let empty = one("e.yaml", b"---\n---\n", &o);
    assert!(empty.diagnostics.iter().any(|d| d.code == Code::Shape), "{:?}", empty.diagnostics);

    let yes = one("y.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  containers: [{name: c, image: i}]\n", &o);
    assert!(
        yes.diagnostics
            .iter()
            .any(|d| d.code == Code::YamlBoolean11 && d.pos.line == 5 && d.severity == Severity::Warning)
    );
    assert_eq!(yes.objects.len(), 1, "the object is kept");

    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (n, p) in ["b", "c", "d", "e", "f", "g", "h"].iter().zip(["a", "b", "c", "d", "e", "f", "g"]) {
        bomb.push_str(&format!("{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
    }
    let bombed = one("bomb.yaml", bomb.as_bytes(), &o);
    assert!(bombed.diagnostics.iter().any(|d| d.code == Code::YamlLimit), "{:?}", bombed.diagnostics);

    // An alias to itself is an error, and what it broke may have been a manifest: failed, not
    // skipped as of no interest.
    let itself = one("self.yaml", b"a: &a\n  b: *a\n", &o);
    assert!(
        itself.diagnostics.iter().any(|d| d.code == Code::YamlSyntax && d.pos.line == 2),
        "{:?}",
        itself.diagnostics
    );
    assert_eq!(itself.stats.failed, 1, "{:?}", itself.stats);

    let deep = format!("a:\n{}", (1..400).map(|i| format!("{}k:\n", "  ".repeat(i))).collect::<String>());
    let deeper = one("deep.yaml", deep.as_bytes(), &o);
    assert!(
        deeper.diagnostics.iter().any(|d| d.code == Code::YamlLimit || d.message.contains("recursion")),
        "{:?}",
        deeper.diagnostics
    );

    let dup =
        one("d.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\ndata: {b: '2'}\n", &o);
    assert!(dup.diagnostics.iter().any(|d| d.code == Code::YamlDuplicateKey && d.pos.line == 5));

    let small = Options { max_file_size: 10, ..Options::default() };
    let big = one("big.yaml", b"apiVersion: v1\nkind: Pod\n", &small);
    assert!(big.diagnostics.iter().any(|d| d.code == Code::TooLarge));

    let docker = one("Dockerfile", b"FROM alpine:3.20\nRUN echo ok\nNOTANINSTRUCTION x\n", &o);
    assert!(
        docker.diagnostics.iter().any(|d| d.code == Code::Dockerfile && d.pos.line == 3),
        "{:?}",
        docker.diagnostics
    );
    assert_eq!(docker.dockerfiles[0].instructions.len(), 2);
}

#[test]
fn helm_output_is_traced_to_its_templates() {
    let text = b"---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n# Source: shop/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: c, image: web:1}]}}}\n";
    let estate = load_bytes("rendered.yaml", text, &Options::default());
    let templates: Vec<Option<&str>> = estate.objects.iter().map(|o| o.template.as_deref()).collect();
    assert_eq!(templates, [Some("shop/templates/web.yaml"), Some("shop/templates/deploy.yaml")]);
    assert_eq!(estate.objects[1].locate("/metadata/name").line, 10);
}

/// A folder in the temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("annexa-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn walking_respects_gitignore_and_survives_symlink_loops() {
    let dir = Scratch::new("walk");
    dir.write("app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
    dir.write(".gitignore", "ignored/\n");
    dir.write("ignored/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n");
    dir.write("sub/more.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir.0, dir.0.join("sub/loop")).unwrap();
    let estate = load(&[Input::Path(dir.0.clone())], &Options::default());
    let names: Vec<&str> = estate.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["a", "b"], "the ignored folder is not read, the loop is not followed twice");
    #[cfg(unix)]
    assert!(estate.diagnostics.iter().any(|d| d.code == Code::Walk), "{:?}", estate.diagnostics);
}

#[test]
fn kustomizations_are_rendered() {
    let dir = Scratch::new("kustomize");
    dir.write("base/kustomization.yaml", "resources:\n- deploy.yaml\n- https://github.com/acme/remote//base?ref=v1\nconfigMapGenerator:\n- name: settings\n  literals: [LOG_LEVEL=info]\n");
    dir.write(
        "base/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: acme/web:1.0\n        envFrom: [{configMapRef: {name: settings}}]\n",
    );
    dir.write(
        "prod/kustomization.yaml",
        "resources: [../base]\nnamespace: prod\nnamePrefix: prod-\ncommonLabels: {env: prod}\nimages:\n- name: acme/web\n  digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\npatches:\n- path: hardening.yaml\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 3\n",
    );
    dir.write("prod/hardening.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        securityContext: {readOnlyRootFilesystem: true}\n");
    dir.write("prod/stray.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stray}\n");
    let estate = load(&[Input::Path(dir.0.clone())], &Options::default());
    let objects: Vec<String> = estate.objects.iter().map(|o| o.display()).collect();
    assert_eq!(
        objects,
        ["Deployment prod/prod-web", "ConfigMap prod/prod-settings"],
        "the base is rendered once, through the overlay"
    );
    let web = &estate.objects[0];
    let c = web.value.at("/spec/template/spec/containers/0").unwrap();
    assert_eq!(c["image"], "acme/web@sha256:0000000000000000000000000000000000000000000000000000000000000000");
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["envFrom"][0]["configMapRef"]["name"], "prod-settings", "references follow the prefix");
    assert_eq!(web.value["spec"]["replicas"], 3);
    assert_eq!(web.value.at("/spec/template/metadata/labels/env").and_then(|v| v.as_str()), Some("prod"));
    assert_eq!(web.locate("/spec/template/spec/containers/0/image").line, 10, "spans stay those of the resource file");
    assert!(web.file.ends_with("base/deploy.yaml") && web.via.as_deref().is_some_and(|v| v.ends_with("prod")));
    let remote =
        estate.diagnostics.iter().find(|d| d.message.contains("remote resource")).expect("remote bases are reported");
    assert!(remote.help.as_deref().is_some_and(|h| h.contains("kustomize build")) && remote.pos.line == 3);
    assert_eq!(estate.stats.skipped.get("not referenced by its kustomization"), Some(&1), "{:?}", estate.files);
}
