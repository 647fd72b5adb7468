package dev.flamingo.sync.gateway.http;

/**
 * Whether the services behind this gateway speak the text form ({@link dev.flamingo.sync.common.bus.WireFormat}),
 * learned from their answers: an upload is sent as raw text ({@code flamingo-content: text}) only while
 * the last text-accepting request was answered in the text form. A service that does not know the form
 * answers a JsonObject, which switches uploads back to the parsed JSON body at once; a reply never needs
 * the flag, so reads always ask for text.
 */
public final class TextForm {
  private volatile boolean servicesSpeakText;

  public boolean uploadsAsText() {
    return servicesSpeakText;
  }

  void answered(boolean inTextForm) {
    if (servicesSpeakText != inTextForm) {
      servicesSpeakText = inTextForm;
    }
  }
}
