package com.example.greetings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BOM users import names the versions the build itself is tested with. (A check of this repository, kept next to
 * the sample that imports the BOM.)
 */
class BomAlignmentTests {

    private static final Path ROOT = Path.of("../..");

    @ParameterizedTest
    @ValueSource(strings = { "curator.version", "zookeeper.version", "spring-cloud-zookeeper.version" })
    void theBomNamesTheVersionTheBuildUses(String property) throws Exception {
        assertThat(property(ROOT.resolve("bom/pom.xml"), property))
                .isEqualTo(property(ROOT.resolve("pom.xml"), property));
    }

    @Test
    void theBomHasTheProjectsVersion() throws Exception {
        assertThat(firstVersion(ROOT.resolve("bom/pom.xml"))).isEqualTo(firstVersion(ROOT.resolve("pom.xml")));
    }

    private static String property(Path pom, String name) throws Exception {
        Matcher matcher = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(pom));
        assertThat(matcher.find()).as("%s in %s", name, pom).isTrue();
        return matcher.group(1).trim();
    }

    private static String firstVersion(Path pom) throws Exception {
        Matcher matcher = Pattern.compile("<artifactId>meshkeeper-[a-z]+</artifactId>\\s*<version>([^<]+)</")
                .matcher(Files.readString(pom));
        assertThat(matcher.find()).as("version of %s", pom).isTrue();
        return matcher.group(1).trim();
    }
}
