package dev.segattr.cli;

import dev.segattr.stage.ComputeDevice;
import picocli.CommandLine.Option;

/** {@code --device cpu|gpu}, labelled and described in the command's resource bundle (keys {@code device}, {@code device.label}). */
final class DeviceOption {

    @Option(names = "--device", paramLabel = "${bundle:device.label}", descriptionKey = "device", converter = Converters.Device.class)
    ComputeDevice device = ComputeDevice.CPU;
}
