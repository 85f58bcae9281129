package dev.segattr.kernel;

import org.apache.maven.settings.Mirror;
import org.apache.maven.settings.Profile;
import org.apache.maven.settings.Repository;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsBuilderFactory;
import org.apache.maven.settings.building.DefaultSettingsBuildingRequest;
import org.apache.maven.settings.building.SettingsBuildingException;
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
import org.eclipse.aether.util.repository.DefaultMirrorSelector;

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

    /** The user's Maven set-up: ~/.m2/settings.xml (read by Maven's settings builder), {@code maven.repo.local}, {@code SEGATTR_MAVEN_OFFLINE}. */
    static MavenResolver fromEnvironment() {
        return fromSettings(Path.of(System.getProperty("user.home"), ".m2"));
    }

    /** As {@link #fromEnvironment()} with the Maven folder {@code m2} (settings.xml and the default repository). */
    static MavenResolver fromSettings(Path m2) {
        Settings settings = settings(m2.resolve("settings.xml"));
        Path local = m2.resolve("repository");
        String configured = System.getProperty("maven.repo.local");
        if (configured == null && settings != null) {
            configured = settings.getLocalRepository(); // ${user.home} and the like interpolated by the builder
        }
        if (configured != null && !configured.isBlank()) {
            local = Path.of(configured);
        }
        boolean offline = "true".equalsIgnoreCase(System.getenv("SEGATTR_MAVEN_OFFLINE"))
                || settings != null && settings.isOffline();
        return new MavenResolver(local, settings != null ? remotes(settings) : List.of(central()), offline);
    }

    /** The effective settings of a user settings file, or null when there is none or it cannot be read. */
    private static Settings settings(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new DefaultSettingsBuilderFactory().newInstance().build(new DefaultSettingsBuildingRequest()
                    .setUserSettingsFile(file.toFile())
                    .setSystemProperties(System.getProperties())).getEffectiveSettings();
        } catch (SettingsBuildingException e) {
            System.err.println("%maven: ignoring unreadable " + file + ": " + e.getMessage());
            return null;
        }
    }

    Path localRepository() {
        return localRepository;
    }

    List<RemoteRepository> remotes() {
        return remotes;
    }

    boolean offline() {
        return offline;
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

    private static RemoteRepository central() {
        return new RemoteRepository.Builder("central", "default", CENTRAL).build();
    }

    /** Central and the repositories of the active profiles, each through its mirror when settings.xml names one. */
    private static List<RemoteRepository> remotes(Settings settings) {
        List<RemoteRepository> repos = new ArrayList<>(List.of(central()));
        for (Profile profile : settings.getProfiles()) {
            boolean byDefault = profile.getActivation() != null && profile.getActivation().isActiveByDefault();
            if (byDefault || settings.getActiveProfiles().contains(profile.getId())) {
                for (Repository repo : profile.getRepositories()) {
                    repos.add(new RemoteRepository.Builder(repo.getId(), "default", repo.getUrl()).build());
                }
            }
        }
        DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
        for (Mirror m : settings.getMirrors()) {
            mirrors.add(m.getId(), m.getUrl(), m.getLayout(), false, m.isBlocked(), m.getMirrorOf(), m.getMirrorOfLayouts());
        }
        List<RemoteRepository> resolved = new ArrayList<>();
        for (RemoteRepository repo : repos) {
            RemoteRepository mirror = mirrors.getMirror(repo);
            resolved.add(mirror != null ? mirror : repo);
        }
        return resolved;
    }
}
