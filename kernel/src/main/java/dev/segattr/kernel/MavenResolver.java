package dev.segattr.kernel;

import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code %maven}: resolves artifacts and their runtime dependencies with Maven Resolver, as Maven would, from
 * the local repository (~/.m2/repository, or {@code -Dmaven.repo.local}, or settings.xml's
 * {@code localRepository}) and the remotes: Maven Central, or the mirror of it in ~/.m2/settings.xml, plus the
 * repositories of the active profiles there. Offline (settings.xml {@code <offline>}, the environment
 * variable {@code SEGATTR_MAVEN_OFFLINE=true}, or {@code %maven --offline}) only the local repository is used.
 */
final class MavenResolver {

    private static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private final Path localRepository;
    private final List<RemoteRepository> remotes;
    private final boolean offline;

    MavenResolver(Path localRepository, List<RemoteRepository> remotes, boolean offline) {
        this.localRepository = localRepository;
        this.remotes = List.copyOf(remotes);
        this.offline = offline;
    }

    /** The user's Maven set-up: ~/.m2/settings.xml, {@code maven.repo.local}, {@code SEGATTR_MAVEN_OFFLINE}. */
    static MavenResolver fromEnvironment() {
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Path settings = m2.resolve("settings.xml");
        Document doc = null;
        if (Files.isRegularFile(settings)) {
            try {
                doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(settings.toFile());
            } catch (Exception e) {
                System.err.println("%maven: ignoring unreadable " + settings + ": " + e.getMessage());
            }
        }
        Path local = m2.resolve("repository");
        String configured = System.getProperty("maven.repo.local");
        if (configured == null && doc != null) {
            configured = text(doc.getDocumentElement(), "localRepository");
        }
        if (configured != null && !configured.isBlank()) {
            local = Path.of(configured.replace("${user.home}", System.getProperty("user.home")));
        }
        boolean offline = "true".equalsIgnoreCase(System.getenv("SEGATTR_MAVEN_OFFLINE"))
                || doc != null && "true".equalsIgnoreCase(text(doc.getDocumentElement(), "offline"));
        return new MavenResolver(local, doc != null ? remotes(doc) : List.of(central(CENTRAL)), offline);
    }

    Path localRepository() {
        return localRepository;
    }

    /** A resolved jar: {@code key} is group:artifact. */
    record Jar(String key, String version, Path path) {
    }

    /** The jars of the artifacts and of their runtime dependencies, in class-path order. */
    List<Jar> resolve(List<String> coordinates, boolean forceOffline, PrintStream out) {
        boolean off = offline || forceOffline;
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                // "simple": use any artifact found locally, whichever remote it once came from
                .withLocalRepositories(new LocalRepository(localRepository, "simple"))
                .setOffline(off)
                .setSystemProperties(System.getProperties())
                .setConfigProperty("aether.transport.http.connectTimeout", 10_000)
                .setConfigProperty("aether.transport.http.requestTimeout", 60_000)
                .setConfigProperty("aether.transport.http.retryHandler.count", 1)
                .setTransferListener(new AbstractTransferListener() {
                    @Override
                    public void transferSucceeded(TransferEvent event) {
                        out.println("%maven: downloaded " + event.getResource().getResourceName());
                    }
                })
                .build()) {
            CollectRequest collect = new CollectRequest();
            for (String c : coordinates) {
                collect.addDependency(new Dependency(artifact(c), JavaScopes.RUNTIME));
            }
            collect.setRepositories(system.newResolutionRepositories(session, remotes));
            DependencyRequest request = new DependencyRequest(collect,
                    DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Jar> jars = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                Artifact a = r.getArtifact();
                jars.add(new Jar(a.getGroupId() + ":" + a.getArtifactId(), a.getVersion(), a.getPath()));
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new Magics.MagicException(explain(coordinates, off, e));
        } finally {
            system.shutdown();
        }
    }

    private String explain(List<String> coordinates, boolean off, Exception e) {
        Set<String> reasons = new LinkedHashSet<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Throwable s : t.getSuppressed()) {
                reasons.add(s.getMessage());
            }
            if (t.getCause() == null) {
                reasons.add(t.getMessage());
            }
        }
        String where = off
                ? "it is not in the local repository " + localRepository + " and %maven is offline"
                + " (SEGATTR_MAVEN_OFFLINE, settings.xml <offline> or --offline), so nothing was downloaded"
                : "looked in the local repository " + localRepository + " and in "
                + remotes.stream().map(RemoteRepository::getUrl).collect(Collectors.joining(", "))
                + " (no network? then only what is in the local repository can be used)";
        return "%maven: cannot resolve " + String.join(" ", coordinates) + ": " + where + ".\n"
                + reasons.stream().filter(r -> r != null && !r.isBlank()).map(r -> "  " + r)
                .collect(Collectors.joining("\n"));
    }

    private static DefaultArtifact artifact(String coordinates) {
        try {
            return new DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new Magics.MagicException("%maven: " + coordinates
                    + " is not group:artifact:version (or group:artifact[:extension[:classifier]]:version)");
        }
    }

    private static RemoteRepository central(String url) {
        return new RemoteRepository.Builder("central", "default", url).build();
    }

    /** Central (or its mirror) and the repositories of the active profiles in settings.xml. */
    private static List<RemoteRepository> remotes(Document doc) {
        Element root = doc.getDocumentElement();
        String centralUrl = CENTRAL;
        for (Element mirror : children(child(root, "mirrors"), "mirror")) {
            String of = text(mirror, "mirrorOf");
            if (of != null && List.of(of.split(",")).stream().map(String::strip)
                    .anyMatch(m -> m.equals("*") || m.equals("central") || m.equals("external:*"))) {
                centralUrl = text(mirror, "url");
                break;
            }
        }
        List<RemoteRepository> repos = new ArrayList<>(List.of(central(centralUrl)));
        Set<String> active = children(child(root, "activeProfiles"), "activeProfile").stream()
                .map(Node::getTextContent).map(String::strip).collect(Collectors.toSet());
        for (Element profile : children(child(root, "profiles"), "profile")) {
            boolean byDefault = "true".equals(text(child(profile, "activation"), "activeByDefault"));
            if (byDefault || active.contains(text(profile, "id"))) {
                for (Element repo : children(child(profile, "repositories"), "repository")) {
                    repos.add(new RemoteRepository.Builder(text(repo, "id"), "default", text(repo, "url")).build());
                }
            }
        }
        return repos;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            NodeList nodes = parent.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element && ((Element) nodes.item(i)).getTagName().equals(name)) {
                    out.add((Element) nodes.item(i));
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }
}
