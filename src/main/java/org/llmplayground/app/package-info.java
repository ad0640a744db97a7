/**
 * The application spine: bootstrap, the one embedded Jetty, the Micronaut to Vaadin bridge, the app shell and
 * navigation, the home page, the API documentation view and the admin console.
 */
package org.llmplayground.app;
