package dev.segattr.kernel;

import org.eclipse.aether.repository.RemoteRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %maven's set-up from a settings.xml, as Maven reads it. */
class MavenResolverTest {

    @TempDir
    Path m2;

    @Test
    void settingsGiveTheLocalRepositoryOfflineModeMirrorsAndActiveProfilesRepositories() throws Exception {
        Files.writeString(m2.resolve("settings.xml"), """
                <settings>
                  <localRepository>${user.home}/elsewhere/repository</localRepository>
                  <offline>true</offline>
                  <mirrors>
                    <mirror><id>corp</id><mirrorOf>central</mirrorOf><url>https://repo.example.com/maven2</url></mirror>
                  </mirrors>
                  <profiles>
                    <profile><id>extra</id>
                      <repositories><repository><id>extra-repo</id><url>https://extra.example.com/m2</url></repository></repositories>
                    </profile>
                    <profile><id>unused</id>
                      <repositories><repository><id>unused-repo</id><url>https://unused.example.com/m2</url></repository></repositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>extra</activeProfile></activeProfiles>
                </settings>
                """);
        MavenResolver maven = MavenResolver.fromSettings(m2);
        assertEquals(Path.of(System.getProperty("user.home"), "elsewhere/repository"), maven.localRepository(),
                "${user.home} interpolated");
        assertTrue(maven.offline());
        // Central through its mirror, then the active profile's repository (the inactive one's is not used).
        assertEquals(List.of("https://repo.example.com/maven2", "https://extra.example.com/m2"),
                maven.remotes().stream().map(RemoteRepository::getUrl).toList());
    }

    @Test
    void withoutSettingsCentralAndTheDefaultRepository() {
        MavenResolver maven = MavenResolver.fromSettings(m2);
        assertEquals(m2.resolve("repository"), maven.localRepository());
        assertEquals(List.of("https://repo.maven.apache.org/maven2/"), maven.remotes().stream().map(RemoteRepository::getUrl).toList());
    }
}
